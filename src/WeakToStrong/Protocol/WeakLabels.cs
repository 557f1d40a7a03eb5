using WeakToStrong.Data;
using WeakToStrong.Metrics;

namespace WeakToStrong.Protocol;

/// <summary>One weak label: the supervisor's class probabilities for an input.</summary>
public sealed record WeakLabel(ModelInput Input, float[] Probabilities)
{
    public int HardLabel => Accuracy.ArgMax(Probabilities);
}

/// <summary>
/// The only thing a student trains on: inputs and a supervisor's soft labels. It holds no ground truth, so nothing
/// downstream of it can leak B's labels into the student.
/// </summary>
public sealed record WeakLabelSet(string Supervisor, IReadOnlyList<WeakLabel> Labels);
