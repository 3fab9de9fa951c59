using Mandate.Client;

namespace Mandate.Server.Tests.Client;

/// <summary>The token exchange the scripted-broker tests send, and the RFC 8693 §2.2.1 answer they script for it.</summary>
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
}
