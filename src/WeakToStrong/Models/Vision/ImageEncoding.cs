using WeakToStrong.Data;
using WeakToStrong.Data.Images;
using static TorchSharp.torch;

namespace WeakToStrong.Models.Vision;

/// <summary>
/// How image models encode an input: the serialised grey image's pixels as ids (0-255), so encodings, feature-cache keys
/// and padding-free batching work as they do for token ids. The models here read 28x28 images (Fashion-MNIST's size).
/// </summary>
internal static class ImageEncoding
{
    public const int Side = 28;

    public static EncodedInput Encode(ModelInput input, string model)
    {
        GreyImage image;
        try { image = GreyImage.Parse(input.Text); }
        catch (FormatException e) { throw new ArgumentException($"model '{model}' reads images; input {input.Id}: {e.Message}", e); }
        if (image.Width != Side || image.Height != Side)
            throw new ArgumentException($"model '{model}' reads {Side}x{Side} grey images; input {input.Id} is {image.Width}x{image.Height}");
        return new EncodedInput(Array.ConvertAll(image.Pixels, b => (long)b), []);
    }

    /// <summary>A batch as a float tensor [B, 1, 28, 28] scaled to [0, 1].</summary>
    public static Tensor Batch(IReadOnlyList<EncodedInput> batch)
    {
        var values = new float[batch.Count * Side * Side];
        for (int i = 0; i < batch.Count; i++)
            for (int j = 0; j < Side * Side; j++) values[i * Side * Side + j] = batch[i].Ids[j] / 255f;
        return tensor(values, [batch.Count, 1, Side, Side]);
    }

    /// <summary>The grey image an encoding holds.</summary>
    public static GreyImage Image(EncodedInput input) => new(Side, Side, Array.ConvertAll(input.Ids, v => (byte)v));
}
