using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using WeakToStrong.Data;
using static TorchSharp.torch;

namespace WeakToStrong.Models;

/// <summary>
/// `bow`: logistic regression on hashed word and bigram features: a genuinely weak supervisor with no pretrained knowledge.
/// For text pairs the features of each side are kept apart, and words shared by both sides (and shared 4-letter stems) get
/// features of their own, so the model can use surface overlap but nothing it has not seen in training.
/// </summary>
public sealed partial class BagOfWordsClassifier : Classifier
{
    public const int Buckets = 1 << 18;
    private readonly EmbeddingBag weights;
    private readonly Parameter bias;

    public BagOfWordsClassifier(int classes) : base("bow")
    {
        Classes = classes;
        weights = nn.EmbeddingBag(Buckets, classes, mode: EmbeddingBagMode.Mean);
        bias = nn.Parameter(zeros(classes));
        using (no_grad()) weights.weight!.zero_();
        RegisterComponents();
    }

    public override int Classes { get; }

    public override EncodedInput Encode(TextInput input)
    {
        var features = new List<long>();
        var first = Words(input.Text);
        AddNgrams(features, first, input.TextPair is null ? "" : "a:");
        if (input.TextPair is not null)
        {
            var second = Words(input.TextPair);
            AddNgrams(features, second, "b:");
            var stems = new HashSet<string>(second.Select(Stem));
            foreach (var w in first.Distinct())
            {
                if (second.Contains(w)) features.Add(Hash("both:" + w));
                if (stems.Contains(Stem(w))) { features.Add(Hash("stem-shared")); features.Add(Hash("stem:" + Stem(w))); }
            }
        }
        if (features.Count == 0) features.Add(Hash("<empty>"));
        return new EncodedInput(features.ToArray(), []);
    }

    public override Tensor Logits(IReadOnlyList<EncodedInput> batch)
    {
        var offsets = new long[batch.Count];
        long total = 0;
        for (int i = 0; i < batch.Count; i++) { offsets[i] = total; total += batch[i].Ids.Length; }
        var ids = tensor(batch.SelectMany(b => b.Ids).ToArray());
        return weights.forward(ids, tensor(offsets), null) + bias;
    }

    private static List<string> Words(string text) => WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToList();

    private static string Stem(string w) => w.Length > 4 ? w[..4] : w;

    private static void AddNgrams(List<long> features, List<string> words, string prefix)
    {
        for (int i = 0; i < words.Count; i++)
        {
            features.Add(Hash(prefix + words[i]));
            if (i + 1 < words.Count) features.Add(Hash(prefix + words[i] + " " + words[i + 1]));
        }
    }

    /// <summary>FNV-1a: stable across processes and platforms (string.GetHashCode is randomised per process).</summary>
    private static long Hash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) { h ^= c; h *= 16777619; }
        return h % Buckets;
    }

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordPattern();
}
