namespace WeakToStrong.Training;

/// <summary>Progress of a long stage: done out of total units (steps or examples), with the latest training loss if any.</summary>
public sealed record StageProgress(string Stage, long Done, long Total, double? Loss = null);
