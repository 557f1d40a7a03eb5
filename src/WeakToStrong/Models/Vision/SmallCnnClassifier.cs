using TorchSharp;
using TorchSharp.Modules;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models.Vision;

/// <summary>
/// `cnn`: a small convolutional net trained from scratch (no pretraining): conv 5x5 (16) → ReLU → max-pool 2 → conv 5x5
/// (32) → ReLU → max-pool 2 → linear. Stronger than logistic regression on pixels, far weaker than pretrained features.
/// </summary>
internal sealed class SmallCnnClassifier : Classifier
{
    private readonly Conv2d conv1, conv2;
    private readonly Linear head;

    public SmallCnnClassifier(int classes) : base("cnn")
    {
        Classes = classes;
        conv1 = nn.Conv2d(1, 16, 5, padding: 2);
        conv2 = nn.Conv2d(16, 32, 5, padding: 2);
        head = nn.Linear(32 * 7 * 7, classes);
        RegisterComponents();
    }

    public override int Classes { get; }

    public override EncodedInput Encode(ModelInput input) => ImageEncoding.Encode(input, "cnn");

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(ImageEncoding.Batch(batch))), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
        return head.forward(x.flatten(1)).MoveToOuterDisposeScope();
    }
}
