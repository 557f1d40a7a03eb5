using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace WeakToStrong.Models;

/// <summary>
/// Multinomial logistic regression on sparse rows, solved to convergence: minimises
/// mean cross-entropy(softmax(xW + b), y) + ||W||² / (2 C n) (the bias is not penalised; C as in scikit-learn) with
/// MathNet's L-BFGS and its Wolfe line search. Targets may be soft. C is chosen by k-fold cross-validation.
/// </summary>
internal static class LogisticRegression
{
    /// <summary>The inverse L2 strengths tried by cross-validation, strongest penalty first.</summary>
    public static readonly double[] Grid = [0.1, 0.3, 1, 3, 10, 30, 100];
    public const int Folds = 5;
    public const double GradientTolerance = 1e-5;

    /// <summary>Fitted weights over the compact columns the training rows use ([column, class], row-major) and the bias.</summary>
    public sealed record Fit(int[] Columns, float[] Weights, float[] Bias);

    /// <summary>Chooses C by <see cref="Folds"/>-fold cross-validation (mean held-out cross-entropy), then fits all rows with it.</summary>
    public static (Fit Fit, SolverReport Report) FitWithCrossValidation(IReadOnlyList<SparseRow> rows, IReadOnlyList<float[]> targets, int classes, int seed)
    {
        if (rows.Count < 2 * Folds) // too few to cross-validate: the middle of the grid
            return Solve(rows, targets, classes, 1.0);
        var fold = FoldOf(rows.Count, seed);
        var losses = new double[Grid.Length];
        var perFold = new double[Grid.Length, Folds];
        // Each fold walks the grid from the strongest penalty up, starting every solve from the previous optimum.
        Parallel.For(0, Folds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            var train = Enumerable.Range(0, rows.Count).Where(i => fold[i] != k).ToList();
            var held = Enumerable.Range(0, rows.Count).Where(i => fold[i] == k).ToList();
            Fit? previous = null;
            for (int g = 0; g < Grid.Length; g++)
            {
                (previous, _) = Solve(train.Select(i => rows[i]).ToList(), train.Select(i => targets[i]).ToList(), classes, Grid[g], previous);
                perFold[g, k] = held.Average(i => CrossEntropy(Probabilities(previous, rows[i], classes), targets[i]));
            }
        });
        for (int g = 0; g < Grid.Length; g++)
        {
            losses[g] = Enumerable.Range(0, Folds).Average(k => perFold[g, k]);
        }
        int best = Array.IndexOf(losses, losses.Min());
        var (final, report) = Solve(rows, targets, classes, Grid[best]);
        return (final, report with { CrossValidationLoss = losses[best], CrossValidationLosses = losses });
    }

    /// <summary>Fits one C on all given rows, optionally starting from a fit of the same rows.</summary>
    public static (Fit Fit, SolverReport Report) Solve(IReadOnlyList<SparseRow> rows, IReadOnlyList<float[]> targets, int classes, double c, Fit? warmStart = null)
    {
        if (rows.Count == 0) throw new ArgumentException("no training examples");
        var columns = rows.SelectMany(r => r.Columns).Distinct().Order().ToArray();
        var index = new Dictionary<int, int>(columns.Length);
        for (int k = 0; k < columns.Length; k++) index[columns[k]] = k;
        var compact = rows.Select(r => (Columns: r.Columns.Select(col => index[col]).ToArray(), r.Values)).ToList();
        int weightCount = columns.Length * classes;
        double lambda = 1.0 / (c * rows.Count);

        (double Loss, Vector<double> Gradient) Evaluate(Vector<double> parameters)
        {
            var theta = parameters.AsArray() ?? parameters.ToArray();
            var gradient = new double[theta.Length];
            double loss = 0;
            var z = new double[classes];
            for (int i = 0; i < compact.Count; i++)
            {
                var (cols, values) = compact[i];
                for (int k = 0; k < classes; k++) z[k] = theta[weightCount + k];
                for (int j = 0; j < cols.Length; j++)
                    for (int k = 0; k < classes; k++) z[k] += values[j] * theta[cols[j] * classes + k];
                double max = z.Max(), sum = 0;
                for (int k = 0; k < classes; k++) sum += Math.Exp(z[k] - max);
                double logSum = max + Math.Log(sum);
                for (int k = 0; k < classes; k++)
                {
                    double y = targets[i][k];
                    loss -= y * (z[k] - logSum);
                    double residual = Math.Exp(z[k] - logSum) - y; // ∂CE/∂z_k = p_k − y_k (targets sum to 1)
                    gradient[weightCount + k] += residual;
                    for (int j = 0; j < cols.Length; j++) gradient[cols[j] * classes + k] += residual * values[j];
                }
            }
            double n = compact.Count, penalty = 0;
            for (int w = 0; w < gradient.Length; w++) gradient[w] /= n;
            for (int w = 0; w < weightCount; w++)
            {
                penalty += theta[w] * theta[w];
                gradient[w] += lambda * theta[w];
            }
            return (loss / n + 0.5 * lambda * penalty, Vector<double>.Build.Dense(gradient));
        }

        var objective = ObjectiveFunction.Gradient(new Func<Vector<double>, (double, Vector<double>)>(Evaluate));
        var solver = new LimitedMemoryBfgsMinimizer(GradientTolerance, 0, 0, 10, 10_000);
        var start = Vector<double>.Build.Dense(weightCount + classes);
        if (warmStart is not null) // same rows, so same columns
        {
            for (int w = 0; w < weightCount; w++) start[w] = warmStart.Weights[w];
            for (int k = 0; k < classes; k++) start[weightCount + k] = warmStart.Bias[k];
        }
        MinimizationResult result;
        try { result = solver.FindMinimum(objective, start); }
        catch (MaximumIterationsException e)
        {
            throw new InvalidOperationException($"bow: L-BFGS did not converge for C = {c} ({e.Message})", e);
        }
        var theta = result.MinimizingPoint;
        var (finalLoss, finalGradient) = Evaluate(theta);
        var fit = new Fit(columns, theta.SubVector(0, weightCount).Select(v => (float)v).ToArray(),
            theta.SubVector(weightCount, classes).Select(v => (float)v).ToArray());
        return (fit, new SolverReport(c, double.NaN, [], finalLoss, finalGradient.L2Norm(), result.Iterations, result.ReasonForExit.ToString()));
    }

    /// <summary>Class probabilities of one row under a fit.</summary>
    public static double[] Probabilities(Fit fit, SparseRow row, int classes)
    {
        var z = fit.Bias.Select(b => (double)b).ToArray();
        for (int j = 0; j < row.Columns.Length; j++)
        {
            int k = Array.BinarySearch(fit.Columns, row.Columns[j]);
            if (k < 0) continue; // a feature the fit never saw has weight 0
            for (int c = 0; c < classes; c++) z[c] += row.Values[j] * fit.Weights[k * classes + c];
        }
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private static double CrossEntropy(double[] p, float[] target) =>
        -target.Select((y, k) => y * Math.Log(Math.Max(p[k], 1e-15))).Sum();

    /// <summary>A seeded assignment of rows to folds, as equal in size as possible.</summary>
    private static int[] FoldOf(int n, int seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        var fold = new int[n];
        for (int i = 0; i < n; i++) fold[order[i]] = i % Folds;
        return fold;
    }
}
