using WeakToStrong.Data;
using WeakToStrong.Models;

namespace WeakToStrong.Training;

/// <summary>Encodes each distinct input once per call (tokenisation dominates small models' epochs otherwise).</summary>
internal static class EncodingCache
{
    public static EncodedInput[] Encode(Classifier model, IEnumerable<ModelInput> inputs)
    {
        var seen = new Dictionary<string, EncodedInput>();
        return inputs.Select(x => seen.TryGetValue(x.Id, out var e) ? e : seen[x.Id] = model.Encode(x)).ToArray();
    }
}
