using System.IO.Compression;
using WeakToStrong.Data.Images;
using WeakToStrong.Tests.Data;

namespace WeakToStrong.Tests.Vision;

/// <summary>The IDX reader and the grey-image text format that image tasks store in ModelInput.Text.</summary>
public class ImageFormatTests
{
    /// <summary>An IDX file of unsigned bytes: magic 0 0 8 rank, big-endian dimensions, values.</summary>
    private static byte[] Idx(int[] dims, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, 0x08, (byte)dims.Length };
        foreach (var d in dims) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    [Fact]
    public void Idx_ReadsImagesRowMajor_PlainAndGzipped()
    {
        var pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        var raw = Idx([2, 3, 4], pixels);
        using var dir = new TempDir();
        var plain = Path.Combine(dir.Path, "images-idx3-ubyte");
        File.WriteAllBytes(plain, raw);
        var zipped = plain + ".gz";
        using (var gz = new GZipStream(File.Create(zipped), CompressionLevel.Fastest)) gz.Write(raw);

        foreach (var path in new[] { plain, zipped })
        {
            var idx = IdxFile.Read(path);
            Assert.Equal([2, 3, 4], idx.Dimensions);
            Assert.Equal(2, idx.Count);
            Assert.Equal(12, idx.ItemSize);
            var second = idx.Image(1);
            Assert.Equal((4, 3), (second.Width, second.Height));
            Assert.Equal(pixels[12 + 1 * 4 + 2], second[1, 2]); // row 1, column 2 of image 1
        }
    }

    [Fact]
    public void Idx_RejectsWrongMagicTypeAndLength()
    {
        Assert.Contains("magic", Assert.Throws<FormatException>(() => IdxFile.Read(new MemoryStream([1, 0, 8, 1, 0, 0, 0, 1, 5]))).Message);
        Assert.Contains("0x0d", Assert.Throws<FormatException>(() => IdxFile.Read(new MemoryStream([0, 0, 0x0d, 1, 0, 0, 0, 1, 5]))).Message);
        Assert.Contains("ends inside", Assert.Throws<FormatException>(() => IdxFile.Read(new MemoryStream(Idx([3], [1, 2])))).Message);
        Assert.Contains("trailing", Assert.Throws<FormatException>(() => IdxFile.Read(new MemoryStream(Idx([1], [1, 2])))).Message);
        var labels = IdxFile.Read(new MemoryStream(Idx([3], [7, 8, 9])));
        Assert.Equal([7, 8, 9], labels.Data);
    }

    [Fact]
    public void GreyImage_RoundTripsThroughItsText()
    {
        var rng = new Random(4);
        var pixels = new byte[28 * 28];
        rng.NextBytes(pixels);
        var image = new GreyImage(28, 28, pixels);
        var text = image.Serialise();
        Assert.StartsWith("grey28x28:", text);
        Assert.Equal(10 + 1048, text.Length); // 784 bytes → 1,048 base64 characters
        var back = GreyImage.Parse(text);
        Assert.Equal((28, 28), (back.Width, back.Height));
        Assert.Equal(pixels, back.Pixels);
        Assert.Equal(text, back.Serialise());

        var wide = new GreyImage(3, 2, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(6, GreyImage.Parse(wide.Serialise())[1, 2]);
    }

    [Theory]
    [InlineData("a photo of a cat", "not a serialised grey image")]
    [InlineData("grey2x2:AAAA", "needs 4 pixel bytes")]
    [InlineData("grey2x2:!!!!", "not valid base64")]
    [InlineData("grey0x2:", "not a serialised grey image")]
    public void GreyImage_ParseSaysWhatIsWrong(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => GreyImage.Parse(text)).Message);
}
