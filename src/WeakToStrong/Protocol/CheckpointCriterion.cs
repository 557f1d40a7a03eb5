namespace WeakToStrong.Protocol;

/// <summary>Which of the student's checkpoints to keep.</summary>
public enum CheckpointCriterion
{
    /// <summary>The last one (the default of the paper's public code).</summary>
    Final,

    /// <summary>
    /// The one agreeing best with the weak labels of a held-out tenth of the student's training data (the student does not
    /// train on it). Uses no ground truth, so it is a legitimate method.
    /// </summary>
    WeakAgreement,

    /// <summary>The one with the best test accuracy: an oracle that reads test ground truth, reported only as an upper bound.</summary>
    OracleTestAccuracy,
}
