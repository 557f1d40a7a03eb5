using System.Diagnostics;
using System.Text.Json;

namespace WeakToStrong.Tests.Errors;

/// <summary>The project's package paths do not depend on NUGET_PACKAGES ending in a slash.</summary>
public sealed class BuildPathTests
{
    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeakToStrong.slnx"))) return dir.FullName;
        return null;
    }

    [Fact]
    public void PackageRootWithoutATrailingSlashStillPointsInsideIt()
    {
        var root = RepositoryRoot();
        Assert.True(root is not null, $"no WeakToStrong.slnx above {AppContext.BaseDirectory}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in new[] { "msbuild", "src/WeakToStrong/WeakToStrong.csproj", "-getItem:None", "-p:NuGetPackageRoot=/nuget/packages" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output + process.StandardError.ReadToEnd());
        using var items = JsonDocument.Parse(output);
        var packaged = items.RootElement.GetProperty("Items").GetProperty("None").EnumerateArray()
            .Select(i => i.GetProperty("Identity").GetString()!).Where(p => p.StartsWith("/nuget/", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, packaged.Count); // the two encoders and the two ResNet18 graphs
        Assert.All(packaged, p => Assert.StartsWith("/nuget/packages/", p));
    }
}
