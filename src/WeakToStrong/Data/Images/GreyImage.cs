namespace WeakToStrong.Data.Images;

/// <summary>
/// A greyscale image, row-major, one byte a pixel (0 = black, 255 = white). Image tasks store it in ModelInput.Text as
/// "grey{W}x{H}:" followed by the base64 of the W·H pixel bytes, e.g. "grey28x28:AAAA…" for Fashion-MNIST: compact,
/// exact, valid JSON, and the same pixels always give the same text (so the same content id and feature-cache key).
/// </summary>
internal sealed record GreyImage(int Width, int Height, byte[] Pixels)
{
    private const string Prefix = "grey";

    public byte this[int row, int column] => Pixels[row * Width + column];

    public string Serialise()
    {
        if (Width <= 0 || Height <= 0 || Pixels.Length != Width * Height)
            throw new InvalidOperationException($"a {Width}x{Height} image needs {Width * Height} pixels, has {Pixels.Length}");
        return $"{Prefix}{Width}x{Height}:{Convert.ToBase64String(Pixels)}";
    }

    /// <summary>Parses <see cref="Serialise"/>'s format; a clear error names what is wrong (the text is not shown whole).</summary>
    public static GreyImage Parse(string text)
    {
        int colon = text.IndexOf(':');
        var header = colon < 0 ? "" : text[..colon];
        var size = header.StartsWith(Prefix, StringComparison.Ordinal) ? header[Prefix.Length..].Split('x') : [];
        if (size.Length != 2 || !int.TryParse(size[0], out int width) || !int.TryParse(size[1], out int height) || width <= 0 || height <= 0)
            throw new FormatException($"not a serialised grey image (expected \"grey<W>x<H>:<base64>\"): \"{Preview(text)}\"");
        byte[] pixels;
        try { pixels = Convert.FromBase64String(text[(colon + 1)..]); }
        catch (FormatException) { throw new FormatException($"the pixels of a {width}x{height} grey image are not valid base64: \"{Preview(text)}\""); }
        if (pixels.Length != width * height)
            throw new FormatException($"a {width}x{height} grey image needs {width * height} pixel bytes, the text holds {pixels.Length}");
        return new GreyImage(width, height, pixels);
    }

    private static string Preview(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
