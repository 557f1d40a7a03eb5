// MSBuild inline task (see LibTorchCompat.targets). Plain ELF64 little-endian editing, no dependencies.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PatchLibTorchSharp : Task
{
    const string MissingVersion = "GLIBCXX_3.4.32";
    const string MarkerSymbol = "_ZSt21ios_base_library_initv";
    // Exported by every libstdc++ since GCC 3.4; only used as the new name of an unreferenced marker symbol.
    static readonly string[] Replacements = { "_ZNSt8ios_base4InitC1Ev", "_ZNSt8ios_base4InitD1Ev", "__cxa_atexit" };
    const ushort VerFlgWeak = 0x2;

    [Required] public string Directory { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        var targets = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (targets.Length == 0) return true;
        if (SystemLibstdcxxHas(MissingVersion))
        {
            Log.LogMessage(MessageImportance.Low, "libstdc++ provides " + MissingVersion + "; libLibTorchSharp.so left as is.");
            return true;
        }
        foreach (var path in targets)
        {
            try
            {
                var bytes = File.ReadAllBytes(path);
                if (!Patch(bytes, out var what)) { Log.LogMessage(MessageImportance.Low, path + ": " + what); continue; }
                var tmp = path + ".w2s-tmp";
                File.WriteAllBytes(tmp, bytes);
                File.Replace(tmp, path, null); // a rename: replaces the directory entry, never writes through a hard link
                Log.LogMessage(MessageImportance.High, "w2s: patched " + path + " for this system's libstdc++ (" + what + ")");
            }
            catch (Exception e)
            {
                Log.LogError("w2s: could not patch " + path + " for the old system libstdc++: " + e.Message);
                return false;
            }
        }
        return true;
    }

    static bool SystemLibstdcxxHas(string version)
    {
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu" })
        {
            var lib = Path.Combine(dir, "libstdc++.so.6");
            if (!File.Exists(lib)) continue;
            var text = Encoding.ASCII.GetString(File.ReadAllBytes(lib));
            return text.Contains(version + "\0");
        }
        return true; // no libstdc++ found where we look: do not touch anything
    }

    /// <summary>Edits the image in place. Returns false when there is nothing to do (already patched or not needed).</summary>
    public static bool Patch(byte[] b, out string what)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        long shoff = (long)U64(b, 0x28);
        int shentsize = U16(b, 0x3A), shnum = U16(b, 0x3C);
        long dynsymOff = 0, dynsymSize = 0, versymOff = 0, verneedOff = 0; int verneedNum = 0, dynstrIndex = -1;
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            uint type = U32(b, h + 4);
            long off = (long)U64(b, h + 0x18), size = (long)U64(b, h + 0x20);
            uint link = U32(b, h + 0x28), info = U32(b, h + 0x2C);
            if (type == 11) { dynsymOff = off; dynsymSize = size; dynstrIndex = (int)link; }
            else if (type == 0x6fffffff) versymOff = off;
            else if (type == 0x6ffffffe) { verneedOff = off; verneedNum = (int)info; }
        }
        if (dynsymOff == 0 || versymOff == 0 || verneedOff == 0 || dynstrIndex < 0)
            throw new InvalidDataException("missing .dynsym, .gnu.version or .gnu.version_r");
        long strOff = (long)U64(b, shoff + (long)dynstrIndex * shentsize + 0x18);
        long strSize = (long)U64(b, shoff + (long)dynstrIndex * shentsize + 0x20);

        // 1. Make the GLIBCXX_3.4.32 requirement weak and learn its version index.
        int versionIndex = -1; bool changed = false;
        long vn = verneedOff;
        for (int n = 0; n < verneedNum; n++)
        {
            long aux = vn + U32(b, vn + 8);
            for (int a = 0; a < U16(b, vn + 2); a++)
            {
                if (Str(b, strOff + U32(b, aux + 8)) == MissingVersion)
                {
                    versionIndex = U16(b, aux + 6) & 0x7fff;
                    ushort flags = U16(b, aux + 4);
                    if ((flags & VerFlgWeak) == 0) { W16(b, aux + 4, (ushort)(flags | VerFlgWeak)); changed = true; }
                }
                aux += U32(b, aux + 12);
            }
            vn += U32(b, vn + 12);
        }
        if (versionIndex < 0) { what = "no " + MissingVersion + " requirement"; return false; }

        // 2. Unversioned lookup for every symbol bound to that version; rename the marker symbol.
        long replacementName = FindString(b, strOff, strSize, Replacements);
        var renamed = new List<string>();
        for (long s = 0; s < dynsymSize / 24; s++)
        {
            long v = versymOff + s * 2;
            if ((U16(b, v) & 0x7fff) != versionIndex) continue;
            long sym = dynsymOff + s * 24;
            string name = Str(b, strOff + U32(b, sym));
            if (U16(b, sym + 6) != 0) throw new InvalidDataException("symbol " + name + " is defined, expected an import");
            if (name != MarkerSymbol) throw new InvalidDataException("unexpected symbol " + name + " requires " + MissingVersion);
            if (replacementName < 0) throw new InvalidDataException("no replacement symbol name found in .dynstr");
            W16(b, v, 1); // VER_NDX_GLOBAL
            W32(b, sym, (uint)(replacementName - strOff));
            renamed.Add(name);
            changed = true;
        }
        what = changed ? "weak " + MissingVersion + ", unversioned " + string.Join(",", renamed) : "already patched";
        return changed;
    }

    static long FindString(byte[] b, long off, long size, string[] candidates)
    {
        foreach (var c in candidates)
        {
            var needle = Encoding.ASCII.GetBytes(c + "\0");
            for (long i = off; i + needle.Length <= off + size; i++)
            {
                if ((i == off || b[i - 1] == 0) && Match(b, i, needle)) return i;
            }
        }
        return -1;
    }

    static bool Match(byte[] b, long at, byte[] needle)
    {
        for (int j = 0; j < needle.Length; j++) if (b[at + j] != needle[j]) return false;
        return true;
    }

    static string Str(byte[] b, long at) { long e = at; while (b[e] != 0) e++; return Encoding.ASCII.GetString(b, (int)at, (int)(e - at)); }
    static ushort U16(byte[] b, long at) => (ushort)(b[at] | b[at + 1] << 8);
    static uint U32(byte[] b, long at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
    static ulong U64(byte[] b, long at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
    static void W16(byte[] b, long at, ushort v) { b[at] = (byte)v; b[at + 1] = (byte)(v >> 8); }
    static void W32(byte[] b, long at, uint v) { for (int i = 0; i < 4; i++) b[at + i] = (byte)(v >> (8 * i)); }
}
