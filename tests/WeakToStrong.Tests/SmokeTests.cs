using TorchSharp;

namespace WeakToStrong.Tests;

public class SmokeTests
{
    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        var x = torch.tensor(new float[] { 1, 2, 3 });
        Assert.Equal(14f, (x * x).sum().item<float>());
    }
}
