using System.IO.Compression;

namespace WeakToStrong.Data.Images;

/// <summary>
/// The IDX format of MNIST-style data sets: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions,
/// each dimension as a big-endian int32, then the values row-major. Files ending in .gz are decompressed on the fly.
/// Only unsigned-byte data is supported (all that image and label files use).
/// </summary>
internal sealed record IdxFile(int[] Dimensions, byte[] Data)
{
    public int Count => Dimensions[0];

    /// <summary>Bytes of one item (the product of the dimensions after the first).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);

    public static IdxFile Read(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try { return Read(stream); }
        catch (FormatException e) { throw new FormatException($"{path}: {e.Message}", e); }
    }

    public static IdxFile Read(Stream stream)
    {
        var header = ReadExactly(stream, 4, "header");
        if (header[0] != 0 || header[1] != 0) throw new FormatException("not an IDX file (the magic number does not start with two zero bytes)");
        if (header[2] != 0x08) throw new FormatException($"IDX data type 0x{header[2]:x2} is not supported (only 0x08, unsigned bytes)");
        int rank = header[3];
        if (rank == 0) throw new FormatException("IDX file without dimensions");
        var dimensions = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            var d = ReadExactly(stream, 4, $"dimension {i}");
            dimensions[i] = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
            if (dimensions[i] < 0) throw new FormatException($"negative dimension {i}");
            total *= dimensions[i];
        }
        if (total > int.MaxValue) throw new FormatException("IDX file too large");
        var data = ReadExactly(stream, (int)total, "data");
        if (stream.ReadByte() != -1) throw new FormatException($"trailing bytes after the {total} values the header announces");
        return new IdxFile(dimensions, data);
    }

    /// <summary>Item i as a grey image (for files of shape [n, rows, columns]).</summary>
    public GreyImage Image(int i)
    {
        if (Dimensions.Length != 3) throw new InvalidOperationException($"an image file has 3 dimensions, this one {Dimensions.Length}");
        return new GreyImage(Dimensions[2], Dimensions[1], Data.AsSpan(i * ItemSize, ItemSize).ToArray());
    }

    private static byte[] ReadExactly(Stream stream, int count, string what)
    {
        var buffer = new byte[count];
        try { stream.ReadExactly(buffer); }
        catch (EndOfStreamException) { throw new FormatException($"IDX file ends inside its {what}"); }
        return buffer;
    }
}
