namespace WeakToStrong.Models;

/// <summary>What the logistic-regression fit chose (C) and how well it converged: the stage output records it.</summary>
public sealed record SolverReport(double C, double CrossValidationLoss, IReadOnlyList<double> CrossValidationLosses,
    double TrainingLoss, double GradientNorm, int Iterations, string Exit);
