using TorchSharp;
using TorchSharp.Modules;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models.Vision;

/// <summary>`pixels`: multinomial logistic regression on the raw pixels (scaled to [0, 1]), zero-initialised: the weakest image supervisor.</summary>
internal sealed class PixelClassifier : Classifier
{
    private readonly Linear linear;

    public PixelClassifier(int classes) : base("pixels")
    {
        Classes = classes;
        linear = nn.Linear(ImageEncoding.Side * ImageEncoding.Side, classes);
        using (no_grad())
        {
            InPlace.Zero(linear.weight!);
            InPlace.Zero(linear.bias!);
        }
        RegisterComponents();
    }

    public override int Classes { get; }

    public override EncodedInput Encode(ModelInput input) => ImageEncoding.Encode(input, "pixels");

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        using var scope = NewDisposeScope();
        return linear.forward(ImageEncoding.Batch(batch).flatten(1)).MoveToOuterDisposeScope();
    }
}
