using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Mandate.Testing;

/// <summary>One run of a third-party client's script under Node: one JSON command in, one JSON line out.</summary>
public static class NodeScript
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <c>node client.mjs '&lt;command as JSON&gt;'</c> in <paramref name="folder"/> and returns the line it printed.</summary>
    public static async Task<JsonElement> RunAsync(string folder, object command, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("client.mjs");
        start.ArgumentList.Add(JsonSerializer.Serialize(command));
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start: Node.js is needed by " + folder);
        using var timeout = new CancellationTokenSource(Timeout);
        var error = node.StandardError.ReadToEndAsync(timeout.Token);
        var output = await node.StandardOutput.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0 && output.Length > 0, "client.mjs failed: " + await error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
