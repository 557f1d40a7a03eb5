using WeakToStrong.Models;
using WeakToStrong.Protocol;

namespace WeakToStrong.Sweeps;

/// <summary>
/// A rough estimate of a stage's seconds on this project's 2-core CPU, from the model's size and the number of examples.
/// Calibrated on a few measurements (bag-of-words ~1 s per stage; MiniLM ~17 ms per example and epoch for each layer
/// with 2 threads): an estimate, off by 2x either way depending on text length, threads and machine load.
/// </summary>
public static class CostModel
{
    public static double Seconds(StageSpec stage, PreparedData data)
    {
        if (stage.Kind == StageKind.Ensemble) return 0.1; // a mean of its members' outputs
        var model = ModelCatalog.Get(stage.Model);
        int b = data.Report.TrainB, a = data.Report.TrainA, test = data.Report.Test;
        int train = stage.Kind switch
        {
            StageKind.Weak => a,
            StageKind.Ceiling => b,
            _ => b / stage.Slices,
        };
        int labelled = stage.Kind switch { StageKind.Weak => b, StageKind.Link => b / stage.Slices, _ => 0 };
        if (model.Layers == 0) return 0.3 + 0.0004 * (train * stage.Epochs + test + labelled);
        double perExampleEpoch = 0.0085 * model.Layers * (stage.LinearProbe ? 0.4 : 1);
        double predict = 0.003 * model.Layers * (test + labelled);
        // Masked-LM finetuning runs once per model and seed; count it on the ceiling (the first such stage to run).
        double generative = stage.Generative && stage.Kind == StageKind.Ceiling ? 0.012 * model.Layers * (a + b) : 0;
        return 1.5 + perExampleEpoch * train * stage.Epochs + predict + generative;
    }
}
