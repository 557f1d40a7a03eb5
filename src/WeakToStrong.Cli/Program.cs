using TorchSharp;
var t = torch.randn(3, 4);
Console.WriteLine(t.matmul(t.T).sum().item<float>());
