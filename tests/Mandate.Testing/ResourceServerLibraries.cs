using System.Text.Json;

namespace Mandate.Testing;

/// <summary>
/// Third-party resource-server libraries (jose, express-oauth2-jwt-bearer) verifying a Mandate credential as an operator
/// configures them (tests/resource-server-clients/node/client.mjs, run by Node): one verification per process, one JSON
/// line out. Installs the packages on first use (<see cref="NodeProjects"/>).
/// </summary>
public static class ResourceServerLibraries
{
    /// <summary>Runs <paramref name="command"/> (see client.mjs) and returns what the library made of the credential.</summary>
    public static async Task<JsonElement> RunAsync(object command)
    {
        var folder = NodeProjects.Installed(Path.Combine("tests", "resource-server-clients", "node"), "express-oauth2-jwt-bearer");
        return await NodeScript.RunAsync(folder, command);
    }
}
