using System.Security.Cryptography;
using System.Text;

namespace WeakToStrong.Results;

/// <summary>The cache keys' hash: SHA-256 of the UTF-8 text in lowercase hex, cut to its first bytes for folder names.</summary>
internal static class Hashing
{
    public static string Sha256Hex(string text, int bytes = 32) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, bytes);
}
