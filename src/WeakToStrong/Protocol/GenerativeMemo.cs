using WeakToStrong.Models;
using WeakToStrong.Training;
using static TorchSharp.torch;

namespace WeakToStrong.Protocol;

/// <summary>
/// Generative finetuning (masked LM on the training pool's texts, never labels) of a strong model, run once per model
/// and seed and applied to both its student and its ceiling, as in the paper. The finetuned encoder is kept in memory
/// only (one at a time: stages of the same model run next to each other); a new process finetunes again, which gives
/// the same weights because the finetuning is seeded.
/// </summary>
internal sealed class GenerativeMemo(ExperimentSplit split) : IDisposable
{
    private (string Model, int Seed, bool WithTest)? key;
    private Dictionary<string, Tensor>? state;

    internal Action<Classifier> Prepare(StageSpec spec, IProgress<StageProgress>? progress) => model =>
    {
        if (StageTraining.Body(model) is not BertClassifier bert)
            throw new UserInputException("--genft", $"generative finetuning needs a transformer strong model, not {spec.Model}");
        var wanted = (spec.Model, spec.Seed, spec.GenerativeIncludesTestInputs);
        if (key != wanted || state is null)
        {
            Dispose();
            var texts = split.A.Select(e => e.Input).Concat(split.BInputs)
                .Concat(spec.GenerativeIncludesTestInputs ? split.Test.Select(e => e.Input) : []).ToList();
            GenerativeFinetuning.Run(bert, texts, new GenerativeConfig(Seed: spec.Seed), progress);
            state = bert.Encoder.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
            key = wanted;
        }
        else bert.Encoder.load_state_dict(state);
    };

    public void Dispose()
    {
        if (state is not null) foreach (var t in state.Values) t.Dispose();
        state = null;
        key = null;
    }
}
