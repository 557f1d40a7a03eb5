using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace WeakToStrong.Models;

/// <summary>
/// Content-addressed store of frozen-encoder features (linear-probe mode): the key hashes the body's weights fingerprint
/// with the input's token ids, so a sweep over losses, seeds and splits computes each text's features once per model.
/// Files are written to a temporary name and renamed (readers never see half a file); a file of the wrong size is
/// treated as a miss. Entries are also kept in memory for the epochs of one process.
/// </summary>
internal sealed class FeatureCache
{
    private readonly ConcurrentDictionary<string, float[]> _memory = new();
    private long _hits, _misses;

    public FeatureCache(string directory) => Directory = Path.GetFullPath(directory);

    public string Directory { get; }

    /// <summary>Lookups answered from memory or disk.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that had to run the encoder.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>
    /// The cache used by experiments in linear-probe mode: $W2S_FEATURE_CACHE, else ~/.cache/w2s/features;
    /// W2S_FEATURE_CACHE=off disables it.
    /// </summary>
    public static FeatureCache? Default { get; set; } = FromEnvironment();

    private static FeatureCache? FromEnvironment()
    {
        var dir = Environment.GetEnvironmentVariable("W2S_FEATURE_CACHE");
        if (string.Equals(dir, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (string.IsNullOrEmpty(dir))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home)) return null;
            dir = Path.Combine(home, ".cache", "w2s", "features");
        }
        return new FeatureCache(dir);
    }

    public bool TryGet(string modelKey, EncodedInput input, out float[] features)
    {
        var key = Key(modelKey, input);
        if (_memory.TryGetValue(key, out features!) || TryRead(PathOf(key), out features))
        {
            _memory[key] = features;
            Interlocked.Increment(ref _hits);
            return true;
        }
        Interlocked.Increment(ref _misses);
        return false;
    }

    public void Put(string modelKey, EncodedInput input, float[] features)
    {
        var key = Key(modelKey, input);
        _memory[key] = features;
        var path = PathOf(key);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // No fsync per entry (thousands of small files); the rename alone keeps readers from seeing partial data.
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(BitConverter.GetBytes(features.Length));
                stream.Write(MemoryMarshal.AsBytes(features.AsSpan()));
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static bool TryRead(string path, out float[] features)
    {
        features = [];
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException) { return false; } // includes not found
        if (bytes.Length < 4) return false;
        int count = BitConverter.ToInt32(bytes, 0);
        if (count < 0 || bytes.Length != 4 + 4L * count) return false;
        features = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(4)).ToArray();
        return true;
    }

    private string PathOf(string key) => Path.Combine(Directory, key[..2], key[2..] + ".f32");

    private static string Key(string modelKey, EncodedInput input)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(modelKey + "\n"));
        hash.AppendData(BitConverter.GetBytes(input.Ids.Length));
        hash.AppendData(MemoryMarshal.AsBytes(input.Ids.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(input.TypeIds.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
