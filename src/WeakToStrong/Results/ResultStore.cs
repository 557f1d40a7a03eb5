using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Data.Sqlite;
using WeakToStrong.Models;

namespace WeakToStrong.Results;

/// <summary>
/// The results of a folder's sweeps in SQLite (results.sqlite), one row per experiment in table <c>runs</c> and one per
/// ground-truth stage in <c>gt_runs</c>; each row keeps its JSON for lossless reading, the metrics as columns for
/// queries. Written by upsert, so rebuilding from the cache is idempotent; SQLite's locking (with a busy timeout) lets
/// two sweeps write to one folder. Exported as CSV and JSON for tools without SQLite.
/// </summary>
public sealed class ResultStore
{
    private readonly string connectionString;

    /// <summary>Opens (or creates) the store; a file that is not a readable store is an error naming it.</summary>
    public ResultStore(string path)
    {
        Path = path;
        if (Directory.Exists(path)) throw new UserInputException(path, "is a folder, not a results store", "Move it away: the sweep writes its SQLite store here.");
        try { Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!); }
        catch (Exception e) when (FileProblems.IsFileSystem(e)) { throw FileProblems.Writing(path, e); }
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 60, Pooling = false }.ToString();
        Guarded(() => Execute("""
            CREATE TABLE IF NOT EXISTS runs (
              task TEXT NOT NULL, seed INTEGER NOT NULL, weak TEXT NOT NULL, strong TEXT NOT NULL, loss TEXT NOT NULL,
              variant TEXT NOT NULL, settings TEXT NOT NULL, method TEXT NOT NULL,
              weak_acc REAL, student_acc REAL, ceiling_acc REAL, gap REAL, pgr REAL, pgr_undefined_reason TEXT,
              weak_label_acc_b REAL, agreement REAL, agreement_weak_right REAL, agreement_weak_wrong REAL,
              chain TEXT, config_json TEXT NOT NULL, row_json TEXT NOT NULL, result_json TEXT, updated_utc TEXT NOT NULL,
              PRIMARY KEY (task, seed, weak, strong, loss, variant, settings));
            CREATE TABLE IF NOT EXISTS gt_runs (
              task TEXT NOT NULL, seed INTEGER NOT NULL, model TEXT NOT NULL, role TEXT NOT NULL, generative INTEGER NOT NULL,
              stage_key TEXT NOT NULL, test_acc REAL, row_json TEXT NOT NULL, updated_utc TEXT NOT NULL,
              PRIMARY KEY (stage_key));
            """));
    }

    /// <summary>
    /// The store a sweep writes to. The store only mirrors the stage cache, so a damaged one (garbage, cut short) is moved
    /// aside with a warning and a new one is started; the sweep then refills it from the cache.
    /// </summary>
    public static ResultStore OpenOrReplace(string path, Action<string>? warn = null)
    {
        try { return new ResultStore(path); }
        catch (UserInputException e) when (e.InnerException is SqliteException { SqliteErrorCode: NotADatabase or Corrupt })
        {
            var aside = $"{path}.damaged-{DateTime.UtcNow:yyyyMMddTHHmmss}";
            try
            {
                File.Move(path, aside);
                foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
                    if (File.Exists(path + suffix)) File.Move(path + suffix, aside + suffix);
            }
            catch (Exception io) when (FileProblems.IsFileSystem(io)) { throw FileProblems.Writing(path, io); }
            warn?.Invoke($"{path}: not a readable SQLite database ({e.InnerException!.Message}); moved to {aside} and rebuilt from the stage cache.");
            return new ResultStore(path);
        }
    }

    private const int NotADatabase = 26, Corrupt = 11;

    /// <summary>SQLite failures the user can fix (a full disk, a damaged or read-only file, a lock held too long) as errors naming the store.</summary>
    private T Guarded<T>(Func<T> work)
    {
        try { return work(); }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 or 8 or 10 or 13 or 14 or Corrupt or NotADatabase)
        {
            string problem = e.SqliteErrorCode switch
            {
                13 => "could not be written: the disk is full",
                5 or 6 => "is locked by another process (timed out after 60 s)",
                8 => "is read-only",
                14 => "cannot be opened",
                Corrupt or NotADatabase => "is not a readable SQLite database (damaged or overwritten)",
                _ => "could not be read or written (I/O error)",
            };
            string fix = e.SqliteErrorCode is Corrupt or NotADatabase
                ? "It only mirrors the stage cache: run the sweep command again (it moves the damaged file aside and rebuilds it), or delete the file."
                : e.SqliteErrorCode is 13 ? "Free some space. " + FileProblems.Resume
                : "Check the file and its folder. " + FileProblems.Resume;
            throw new UserInputException(Path, $"{problem} (SQLite: {e.Message})", fix, e);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UserInputException(Path, "holds a row that is not valid JSON (damaged)",
                "It only mirrors the stage cache: delete the file and run the sweep command again to rebuild it.", e);
        }
    }

    private void Guarded(Action work) => Guarded(() => { work(); return 0; });

    public string Path { get; }

    public void Upsert(IReadOnlyList<ResultRow> rows, IReadOnlyList<string>? resultJson = null)
    {
        if (rows.Count == 0) return;
        Guarded(() => InTransaction((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT OR REPLACE INTO runs VALUES ($task, $seed, $weak, $strong, $loss, $variant, $settings, $method, $weak_acc, $student_acc,
                  $ceiling_acc, $gap, $pgr, $reason, $weak_b, $agreement, $agree_right, $agree_wrong, $chain, $config, $row, $result, $updated)
                """;
            for (int i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                command.Parameters.Clear();
                Add(command, ("task", r.Task), ("seed", r.Seed), ("weak", r.Weak), ("strong", r.Strong), ("loss", r.Loss), ("variant", r.Variant),
                    ("settings", r.Settings), ("method", r.Method), ("weak_acc", r.WeakAccuracy), ("student_acc", r.StudentAccuracy),
                    ("ceiling_acc", r.CeilingAccuracy), ("gap", r.Gap), ("pgr", r.Pgr), ("reason", r.PgrUndefinedReason), ("weak_b", r.WeakLabelAccuracyOnB),
                    ("agreement", r.Agreement), ("agree_right", r.AgreementWhereWeakRight), ("agree_wrong", r.AgreementWhereWeakWrong), ("chain", r.Chain),
                    ("config", r.Config), ("row", Json.Serialize(r)), ("result", resultJson?[i]), ("updated", DateTime.UtcNow.ToString("O")));
                command.ExecuteNonQuery();
            }
        }));
    }

    public void UpsertGroundTruth(IReadOnlyList<GroundTruthRow> rows)
    {
        if (rows.Count == 0) return;
        Guarded(() => InTransaction((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR REPLACE INTO gt_runs VALUES ($task, $seed, $model, $role, $gen, $key, $acc, $row, $updated)";
            foreach (var r in rows)
            {
                command.Parameters.Clear();
                Add(command, ("task", r.Task), ("seed", r.Seed), ("model", r.Model), ("role", r.Role), ("gen", r.Generative ? 1 : 0),
                    ("key", r.StageKey), ("acc", r.TestAccuracy), ("row", Json.Serialize(r)), ("updated", DateTime.UtcNow.ToString("O")));
                command.ExecuteNonQuery();
            }
        }));
    }

    /// <summary>Every experiment row, in a stable order: task, settings, weak and strong in ladder order, loss, variant, seed.</summary>
    public IReadOnlyList<ResultRow> Rows() =>
        Guarded(() => Query("SELECT row_json, result_json FROM runs", ReadRow))
            .OrderBy(r => r.Task, StringComparer.Ordinal).ThenBy(r => r.Settings, StringComparer.Ordinal)
            .ThenBy(r => Ladder(r.Weak)).ThenBy(r => Ladder(r.Strong)).ThenBy(r => r.Loss, StringComparer.Ordinal)
            .ThenBy(r => r.Variant, StringComparer.Ordinal).ThenBy(r => r.Seed).ToList();

    public IReadOnlyList<GroundTruthRow> GroundTruthRows() =>
        Guarded(() => Query("SELECT row_json FROM gt_runs", r => Json.Deserialize<GroundTruthRow>(r.GetString(0))))
            .OrderBy(r => r.Task, StringComparer.Ordinal).ThenBy(r => r.Role, StringComparer.Ordinal).ThenBy(r => Ladder(r.Model))
            .ThenBy(r => r.Generative).ThenBy(r => r.Seed).ThenBy(r => r.StageKey, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Rows stored before ResultRow carried the ensemble members lack them; the stored result JSON has them, so a report
    /// does not wait for the next sweep to rebuild the store.
    /// </summary>
    private static ResultRow ReadRow(SqliteDataReader reader)
    {
        var row = Json.Deserialize<ResultRow>(reader.GetString(0));
        if (row.WeakMembers is not null || !Protocol.WeakEnsemble.IsEnsemble(row.Weak) || reader.IsDBNull(1)) return row; // result JSON read only when needed
        return row with { WeakMembers = Json.Deserialize<StoredMembers>(reader.GetString(1)).WeakMembers };
    }

    /// <summary>The one field of a stored ExperimentResult the fallback reads (the rest is skipped).</summary>
    private sealed record StoredMembers(IReadOnlyList<Protocol.EnsembleMemberResult>? WeakMembers);

    /// <summary>Writes results.csv and results.json (experiments) and gt_runs.csv beside the database, atomically.</summary>
    public IReadOnlyList<string> Export(string folder)
    {
        var rows = Rows();
        var files = new[] { System.IO.Path.Combine(folder, "results.csv"), System.IO.Path.Combine(folder, "results.json"), System.IO.Path.Combine(folder, "gt_runs.csv") };
        AtomicFile.WriteAllText(files[0], Csv(rows));
        AtomicFile.WriteAllText(files[1], Json.Serialize(rows));
        AtomicFile.WriteAllText(files[2], Csv(GroundTruthRows()));
        return files;
    }

    /// <summary>RFC 4180 CSV with a header of the record's property names; numbers round-trip (invariant "R").</summary>
    public static string Csv<T>(IReadOnlyList<T> rows)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var text = new StringBuilder().AppendLine(string.Join(",", properties.Select(p => Snake(p.Name))));
        foreach (var row in rows)
            text.AppendLine(string.Join(",", properties.Select(p => Field(p.GetValue(row)))));
        return text.ToString();
    }

    private static string Field(object? value)
    {
        string s = value switch
        {
            null => "",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            string text => text,
            System.Collections.IEnumerable list => System.Text.Json.JsonSerializer.Serialize(list, CompactJson), // e.g. ensemble members: one cell
            _ => value.ToString() ?? "",
        };
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
    }

    private static readonly System.Text.Json.JsonSerializerOptions CompactJson = new(Json.Options) { WriteIndented = false };

    private static string Snake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static int Ladder(string model)
    {
        try { return ModelCatalog.IndexOf(model); } catch (ArgumentException) { return int.MaxValue; }
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read()) list.Add(read(reader));
        return list;
    }

    private void InTransaction(Action<SqliteConnection, SqliteTransaction> work)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false); // take the write lock up front: no upgrade deadlocks
        work(connection, transaction);
        transaction.Commit();
    }

    private void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static void Add(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values) command.Parameters.AddWithValue("$" + name, value ?? DBNull.Value);
    }
}
