using System.Text.Json;

namespace Mandate.Testing;

/// <summary>
/// oauth4webapi, a strict third-party OAuth 2.0 client (tests/oauth-clients/oauth4webapi/client.mjs, run by Node): one
/// operation per process, one JSON line out (read it with <see cref="ClientAnswer"/>). Installs the package on first use (<see cref="NodeProjects"/>).
/// </summary>
public static class OAuth4WebApiClient
{
    /// <summary>Runs <paramref name="command"/> (see client.mjs) and returns what the client made of the broker's answer.</summary>
    public static async Task<JsonElement> RunAsync(object command)
    {
        var folder = NodeProjects.Installed(Path.Combine("tests", "oauth-clients", "oauth4webapi"), "oauth4webapi");
        return await NodeScript.RunAsync(folder, command);
    }
}
