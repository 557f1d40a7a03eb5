using WeakToStrong.Data.Tasks;

namespace WeakToStrong.Tests.Vision;

/// <summary>
/// A test that reads the real Fashion-MNIST files of Debian's dataset-fashion-mnist. xunit 2 has no skip at run time, so
/// the package is looked for when tests are discovered and the test is skipped, saying how to install it, when it is absent.
/// </summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(() => new FashionMnistTask().MissingSource() is { } missing
        ? $"Debian package {missing.Name} is not installed ({missing.InstallHint})"
        : null);

    public FashionMnistFactAttribute()
    {
        if (Reason.Value is { } reason) Skip = reason;
    }
}
