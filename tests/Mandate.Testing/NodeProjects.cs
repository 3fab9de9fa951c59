using System.Diagnostics;

namespace Mandate.Testing;

/// <summary>
/// The Node.js projects the tests drive (tests/mcp-clients/typescript, tests/oauth-clients/oauth4webapi, tests/resource-server-clients/node,
/// tests/oidc-provider), installed with <c>npm ci</c> from their pinned lock files on first use, so <c>dotnet test</c>
/// on a fresh clone needs nothing but Node.js and npm. A named mutex per project, shared by every test process on the machine, lets the first install
/// while the others wait for it.
/// </summary>
public static class NodeProjects
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The project's folder, relative to the repository root, with its packages installed.</summary>
    public static string Installed(string relativeFolder, string installedMarker)
    {
        var folder = Path.Combine(RepositoryRoot(), relativeFolder);
        var marker = Path.Combine(folder, "node_modules", installedMarker);
        if (Directory.Exists(marker))
        {
            return folder;
        }

        using var installing = new Mutex(initiallyOwned: false, "mandate-npm-ci-" + Path.GetFileName(folder));
        if (!installing.WaitOne(InstallTimeout))
        {
            throw new InvalidOperationException($"another test process has been installing {relativeFolder} for 5 minutes");
        }

        try
        {
            if (!Directory.Exists(marker))
            {
                Install(folder);
            }

            return folder;
        }
        finally
        {
            installing.ReleaseMutex();
        }
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mandate.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Mandate.slnx not found above " + AppContext.BaseDirectory);
    }

    private static void Install(string folder)
    {
        var npm = new ProcessStartInfo("npm") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            npm.ArgumentList.Add(argument);
        }

        using var process = Process.Start(npm) ?? throw new InvalidOperationException("npm did not start: Node.js and npm are needed by " + folder);
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(InstallTimeout) || process.ExitCode != 0)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"'npm ci' in {folder} failed: {error.Result}");
        }
    }
}
