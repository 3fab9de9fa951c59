using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Mandate.Testing;

/// <summary>
/// oauth4webapi, a strict third-party OAuth 2.0 client (tests/oauth-clients/oauth4webapi/client.mjs, run by Node): one
/// operation per process, one JSON line out (read it with <see cref="ClientAnswer"/>). Installs the package on first use (<see cref="NodeProjects"/>).
/// </summary>
public static class OAuth4WebApiClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="command"/> (see client.mjs) and returns what the client made of the broker's answer.</summary>
    public static async Task<JsonElement> RunAsync(object command)
    {
        var folder = NodeProjects.Installed(Path.Combine("tests", "oauth-clients", "oauth4webapi"), "oauth4webapi");
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("client.mjs");
        start.ArgumentList.Add(JsonSerializer.Serialize(command));
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start: Node.js is needed by " + folder);
        using var timeout = new CancellationTokenSource(Timeout);
        var error = node.StandardError.ReadToEndAsync(timeout.Token);
        var output = await node.StandardOutput.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0 && output.Length > 0, "client.mjs failed: " + await error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
