using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Mandate.Core.Runs;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// Run tokens an attacker could present: a real one with its payload edited (the signature no longer
/// covers it), one re-signed with a key the broker never had, and, for the checks that come after the
/// signature, one signed with the broker's own key (read from the in-process runtime) whose claims
/// no run record backs.
/// </summary>
internal static class ForgedRunTokens
{
    /// <summary>The real token with <paramref name="edit"/> applied to its payload and its original signature kept.</summary>
    public static string EditPayload(string token, Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var parts = token.Split('.');
        var payload = Decode(parts[1]);
        edit(payload);
        return parts[0] + "." + RawJwt.Segment(payload) + "." + parts[2];
    }

    /// <summary>The real token's header and payload, <paramref name="edit"/> applied, re-signed with ES256 under <paramref name="kid"/>.</summary>
    public static string Resign(string token, Action<JsonObject> edit, ECDsa key, string kid)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var parts = token.Split('.');
        var header = Decode(parts[0]);
        header["kid"] = kid;
        var payload = Decode(parts[1]);
        edit(payload);
        return RawJwt.Encode(ToDictionary(header), ToDictionary(payload), RawJwt.Es256(key));
    }

    /// <summary>A run token for <paramref name="run"/> signed with the broker's active key, with <c>aud</c> for <paramref name="trustDomain"/>.</summary>
    public static string SignWithBrokerKey(BrokerHarness broker, RunRecord run, string trustDomain = TestBroker.TrustDomain)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var minter = new RunTokenMinter(broker.Runtime.Keys, broker.Options with { TrustDomain = trustDomain });
        return minter.Mint(run, broker.Now, broker.Now + TimeSpan.FromMinutes(5)).Token;
    }

    /// <summary>The stored record of the run <paramref name="runToken"/> names.</summary>
    public static async Task<RunRecord> RecordOfAsync(BrokerHarness broker, string runToken)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return await broker.Runtime.Store.GetRunAsync(RunExchanges.RunId(runToken), CancellationToken.None)
            ?? throw new Xunit.Sdk.XunitException("the run token names no recorded run");
    }

    private static JsonObject Decode(string segment) => JsonNode.Parse(Base64Url.DecodeFromChars(segment))!.AsObject();

    private static Dictionary<string, object> ToDictionary(JsonObject json) => json.ToDictionary(p => p.Key, p => (object)p.Value!);
}
