namespace WeakToStrong;

/// <summary>
/// A failure the user can fix: a bad data file, an option out of range, a damaged or missing file, a full disk. Subject
/// is what to fix (a file, file:line or an option such as --weak-lr); the message reads "subject: problem. how to fix".
/// An empty subject means the caller knows it better (the library sees a model name, the CLI knows it came from
/// --strong): <see cref="Via"/> adds it. The CLI prints the message without a stack trace and exits 2. It is an
/// ArgumentException, so callers that catch bad arguments catch it too.
/// </summary>
public class UserInputException : ArgumentException
{
    public UserInputException(string subject, string problem, string? fix = null, Exception? inner = null)
        : base(Format(subject, problem, fix), inner)
    {
        Subject = subject;
        Problem = problem;
        Fix = fix;
    }

    public string Subject { get; }
    public string Problem { get; }
    public string? Fix { get; }

    /// <summary>The same error as reached through an option, e.g. "--strong: hf:/m/config.json: ...".</summary>
    public UserInputException Via(string option) =>
        Subject == option ? this
        : Subject.Length == 0 ? new UserInputException(option, Problem, Fix, this)
        : new UserInputException(option, Message, null, this);

    private static string Format(string subject, string problem, string? fix)
    {
        problem = problem.Trim();
        if (problem.Length > 0 && !".!?".Contains(problem[^1])) problem += ".";
        var text = fix is null ? problem : $"{problem} {fix.Trim()}";
        return subject.Length == 0 ? text : $"{subject}: {text}";
    }
}
