using System.Buffers.Binary;
using System.IO.Compression;
using SharpCompress.Compressors.LZMA;

namespace WeakToStrong.Data.Sources;

/// <summary>
/// An R package's lazy-load data base (data/Rdata.rdx + data/Rdata.rdb), as installed by Debian's r-cran-* packages.
/// The .rdx is a gzip-compressed serialized list mapping each variable to (offset, length) in the .rdb; each .rdb block
/// is a 4-byte big-endian uncompressed length, then (for compression types 2 and 3) a type byte and the payload:
/// 'Z' = raw LZMA2 (xz without container), '1' = zlib, '0' = stored. Type 1 databases have no type byte (zlib).
/// </summary>
internal sealed class RLazyLoadDb
{
    private readonly string _rdb;
    private readonly Dictionary<string, (long Offset, int Length)> _variables = new(StringComparer.Ordinal);
    private readonly int _compression;

    public RLazyLoadDb(string rdxPath)
    {
        _rdb = Path.ChangeExtension(rdxPath, ".rdb");
        var index = RSerializationReader.ReadRds(rdxPath);
        var parts = (RValue[])index.Data!;
        var partNames = (string?[])index.Attribute("names")!.Data!;
        var variables = parts[Array.IndexOf(partNames, "variables")];
        var names = (string?[])variables.Attribute("names")!.Data!;
        var entries = (RValue[])variables.Data!;
        for (int i = 0; i < names.Length; i++)
        {
            var pos = entries[i].Data switch
            {
                int[] a => ((long)a[0], a[1]),
                double[] d => ((long)d[0], (int)d[1]),
                _ => throw new InvalidDataException($"{rdxPath}: unexpected index entry for '{names[i]}'"),
            };
            _variables[names[i]!] = pos;
        }
        int ci = Array.IndexOf(partNames, "compressed");
        _compression = ci < 0 ? 1 : parts[ci].Data switch
        {
            int[] a => a[0],
            double[] d => (int)d[0],
            _ => 1,
        };
    }

    /// <summary>Opens data/Rdata.rdx of an installed R package folder (e.g. /usr/lib/R/site-library/modeldata).</summary>
    public static RLazyLoadDb OpenPackageData(string packageDir) => new(Path.Combine(packageDir, "data", "Rdata.rdx"));

    public IReadOnlyCollection<string> Names => _variables.Keys;

    public RValue Read(string name)
    {
        if (!_variables.TryGetValue(name, out var entry))
            throw new KeyNotFoundException($"{_rdb}: no data set '{name}' (have: {string.Join(", ", _variables.Keys.Order())})");
        var block = new byte[entry.Length];
        using (var f = File.OpenRead(_rdb))
        {
            f.Position = entry.Offset;
            f.ReadExactly(block);
        }
        return RSerializationReader.Read(Decompress(block, _compression));
    }

    internal static byte[] Decompress(byte[] block, int compression)
    {
        int outLength = BinaryPrimitives.ReadInt32BigEndian(block);
        if (compression == 1) return Inflate(block.AsSpan(4).ToArray(), outLength);
        char type = (char)block[4];
        var payload = block.AsSpan(5).ToArray();
        switch (type)
        {
            case '0': return payload;
            case '1': return Inflate(payload, outLength);
            case 'Z':
            {
                // LZMA2 property byte: dictionary size (2 | p&1) << (p/2 + 11); pick the smallest that holds the output.
                byte prop = 0;
                while (prop < 40 && (2L | (prop & 1)) << (prop / 2 + 11) < outLength) prop++;
                using var lz = LzmaStream.Create([prop], new MemoryStream(payload), payload.Length, outLength, null, true, false);
                var result = new byte[outLength];
                lz.ReadExactly(result);
                return result;
            }
            default:
                throw new InvalidDataException($"R lazy-load block compression '{type}' is not supported (bzip2?)");
        }
    }

    private static byte[] Inflate(byte[] data, int outLength)
    {
        using var z = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        var result = new byte[outLength];
        z.ReadExactly(result);
        return result;
    }
}
