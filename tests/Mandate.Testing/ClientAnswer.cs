using System.Text.Json;
using Xunit;

namespace Mandate.Testing;

/// <summary>Reads the JSON line a Node-driven client (<see cref="OAuth4WebApiClient"/>, <see cref="TypeScriptMcpClient"/>) answered with.</summary>
public static class ClientAnswer
{
    /// <summary>A member of an answer as text; null when absent or null.</summary>
    public static string? Text(JsonElement answer, string name) =>
        answer.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

    /// <summary>The client reported success; the whole answer is the failure message otherwise.</summary>
    public static void AssertOk(JsonElement answer) => Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
}
