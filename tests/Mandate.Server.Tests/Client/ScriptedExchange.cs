using System.Text;
using System.Text.Json;
using Mandate.Client;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Client;

/// <summary>The token exchange the scripted-broker tests send, and the RFC 8693 §2.2.1 answers they script for it.</summary>
internal static class ScriptedExchange
{
    public const string Issued = """{"access_token":"test-value-1","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":300,"scope":"refunds:write"}""";

    public static CredentialRequest Request() => new()
    {
        ActorToken = "test-value-2",
        SubjectToken = "test-value-3",
        Tool = "https://refunds.acme.example",
        Scopes = ["refunds:write"],
    };

    /// <summary>An unsigned JWT carrying <paramref name="claims"/>: the client reads payloads, it never verifies them.</summary>
    public static string Jwt(object claims) => "e30." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(claims))) + ".c2ln";

    /// <summary>The broker's answer to a run start: a run token for <paramref name="run"/>, <c>token_type</c> N_A (RFC 8693 §2.2.1).</summary>
    public static ScriptedAnswer RunStarted(string run = "run_1") => ScriptedAnswer.Json(200, JsonSerializer.Serialize(new
    {
        access_token = Jwt(new { txn = run }),
        issued_token_type = "urn:ietf:params:oauth:token-type:txn_token",
        token_type = "N_A",
        expires_in = 900,
        scope = "refunds:write",
    }));

    /// <summary>A credential answer: <paramref name="accessToken"/> of <paramref name="tokenType"/> for <paramref name="expiresIn"/> seconds.</summary>
    public static ScriptedAnswer Credential(string accessToken = "test-value-1", string tokenType = "Bearer", int expiresIn = 300) =>
        ScriptedAnswer.Json(200, JsonSerializer.Serialize(new
        {
            access_token = accessToken,
            issued_token_type = "urn:ietf:params:oauth:token-type:access_token",
            token_type = tokenType,
            expires_in = expiresIn,
            scope = "refunds:write",
        }));

    /// <summary>A client of the scripted broker with a workload identity for runs, an optional DPoP key and clock.</summary>
    public static MandateClient Client(ScriptedServer broker, DpopKey? key = null, TimeProvider? time = null) =>
        new(broker.Client(), new MandateClientOptions
        {
            Identity = WorkloadIdentity.From(_ => ValueTask.FromResult("test-value-2")),
            DpopKey = key,
            Time = time,
            TokenEndpoint = new Uri(broker.Address, "oauth2/token"),
        });
}
