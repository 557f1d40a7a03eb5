using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using WeakToStrong.Data.Images;

namespace WeakToStrong.Models.Vision;

/// <summary>
/// Pretrained ResNet18 features (512-d, after global average pooling) of a grey image, computed by ONNX Runtime from the
/// two graphs NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 ships: ResNetPreprocess.onnx (RGB → BGR and
/// subtraction of a mean image, on 0-255 values: this CNTK-exported model's own normalisation, not torchvision's
/// mean/std) and ResNet18.onnx (input [1, 3, 224, 224], output [1, 512, 1, 1]). A 28x28 image is upsampled bilinearly
/// to 224x224 and its grey value copied to the three channels. One image a run: the graphs fix the batch size at 1.
/// </summary>
internal sealed class ResNet18Features : IDisposable
{
    public const int Width = 512;
    public const int InputSide = 224;
    public const string Package = "NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (MIT)";

    /// <summary>Bump when the preprocessing changes: it is part of every cached feature's key.</summary>
    private const string PreprocessingVersion = "grey-bilinear224-rgb-v1";

    private readonly InferenceSession _preprocess, _network;
    private readonly string _preprocessInput, _preprocessOutput, _networkInput, _networkOutput;
    private readonly object _lock = new();

    /// <summary>Where the build copies the two graphs (see WeakToStrong.csproj).</summary>
    public static string ModelFolder => Path.Combine(AppContext.BaseDirectory, "pretrained", "resnet18");

    private static readonly Lazy<ResNet18Features> SharedInstance = new(() => new ResNet18Features(ModelFolder, Math.Max(1, TorchSharp.torch.get_num_threads())));

    /// <summary>One instance a process (the sessions take a second to load), using as many threads as torch.</summary>
    public static ResNet18Features Shared => SharedInstance.Value;

    public ResNet18Features(string folder, int threads)
    {
        var preprocessPath = Path.Combine(folder, "ResNetPreprocess.onnx");
        var networkPath = Path.Combine(folder, "ResNet18.onnx");
        foreach (var path in new[] { preprocessPath, networkPath })
            if (!File.Exists(path))
                throw new FileNotFoundException($"ResNet18 graph {path} is missing. Build with `dotnet build`: restore downloads {Package} and the build copies its graphs there.", path);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _preprocess = new InferenceSession(preprocessPath, options);
        _network = new InferenceSession(networkPath, options);
        (_preprocessInput, _preprocessOutput) = Single(_preprocess, preprocessPath);
        (_networkInput, _networkOutput) = Single(_network, networkPath);
        Key = $"resnet18-onnx/{PreprocessingVersion}/{Hash(preprocessPath, networkPath)}";
    }

    /// <summary>Identifies the function image → features (graphs and preprocessing): the feature cache's model key.</summary>
    public string Key { get; }

    /// <summary>Number of weights in the network graph (all frozen).</summary>
    public static long ParameterCount(string? folder = null)
    {
        using var stream = File.OpenRead(Path.Combine(folder ?? ModelFolder, "ResNet18.onnx"));
        return OnnxWeights.Read(stream).Initializers.Values.Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b));
    }

    public float[] Embed(GreyImage image)
    {
        var input = Upsample(image);
        lock (_lock)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, InputSide, InputSide]);
            using var options = new RunOptions();
            using var prepared = _preprocess.Run(options, [_preprocessInput], [value], [_preprocessOutput]);
            using var features = _network.Run(options, [_networkInput], [prepared[0]], [_networkOutput]);
            var result = features[0].GetTensorDataAsSpan<float>().ToArray();
            if (result.Length != Width) throw new InvalidOperationException($"ResNet18 gave {result.Length} features, expected {Width}");
            return result;
        }
    }

    /// <summary>
    /// [3, 224, 224] values in 0-255: bilinear interpolation with half-pixel centres (PyTorch's align_corners=false),
    /// edges clamped; the same grey value in R, G and B.
    /// </summary>
    internal static float[] Upsample(GreyImage image)
    {
        int plane = InputSide * InputSide;
        var result = new float[3 * plane];
        double scaleY = (double)image.Height / InputSide, scaleX = (double)image.Width / InputSide;
        for (int y = 0; y < InputSide; y++)
        {
            var (y0, y1, wy) = Neighbours(y, scaleY, image.Height);
            for (int x = 0; x < InputSide; x++)
            {
                var (x0, x1, wx) = Neighbours(x, scaleX, image.Width);
                double top = image[y0, x0] * (1 - wx) + image[y0, x1] * wx;
                double bottom = image[y1, x0] * (1 - wx) + image[y1, x1] * wx;
                float v = (float)(top * (1 - wy) + bottom * wy);
                int i = y * InputSide + x;
                result[i] = result[plane + i] = result[2 * plane + i] = v;
            }
        }
        return result;
    }

    private static (int Low, int High, double Weight) Neighbours(int target, double scale, int size)
    {
        double source = Math.Max(0, (target + 0.5) * scale - 0.5);
        int low = Math.Min((int)source, size - 1);
        int high = Math.Min(low + 1, size - 1);
        return (low, high, source - low);
    }

    private static (string Input, string Output) Single(InferenceSession session, string path)
    {
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
            throw new InvalidDataException($"{path}: expected one input and one output");
        var (name, meta) = session.InputMetadata.First();
        var dims = meta.Dimensions;
        if (dims.Length != 4 || dims[1] != 3 || dims[2] != InputSide || dims[3] != InputSide)
            throw new InvalidDataException($"{path}: input '{name}' has shape [{string.Join(", ", dims)}], expected [1, 3, {InputSide}, {InputSide}]");
        return (name, session.OutputMetadata.Keys.First());
    }

    private static string Hash(params string[] paths)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    public void Dispose()
    {
        _preprocess.Dispose();
        _network.Dispose();
    }
}
