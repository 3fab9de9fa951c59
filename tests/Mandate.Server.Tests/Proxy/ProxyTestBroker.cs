using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// The test broker plus two proxied tools in front of one upstream: <c>stripe</c> (kind secret, key injected
/// as X-Api-Key) and <c>ledger</c> (kind jwt). The support agent may use both; its rules carry http allow-lists.
/// </summary>
internal static class ProxyTestBroker
{
    public const string Stripe = "https://stripe.acme.example";
    public const string Ledger = "https://ledger.acme.example";
    public const long MaxRequestBody = 64 * 1024;

    public static string Configuration(Uri upstream) => TestBroker.Configuration
        .Replace("tools:\n", $$"""
            tools:
              - { name: stripe, kind: secret, resource: {{Stripe}}, scopes: [charges:read, refunds:write], upstream: "{{upstream.ToString().TrimEnd('/')}}/stripe-api", secret: { header: X-Api-Key, format: "{secret}" } }
              - { name: ledger, resource: {{Ledger}}, scopes: [ledger:read], upstream: "{{upstream.ToString().TrimEnd('/')}}/ledger-api" }

            """, StringComparison.Ordinal)
        .Replace("tools: [refunds, crm], max_lifetime: 3m", "tools: [refunds, crm, stripe, ledger], max_lifetime: 3m", StringComparison.Ordinal)
        + "\nproxy: { listen: http://127.0.0.1:8081, max_request_body: 64KiB, timeout: 30s }\n";

    public const string Policy = TestBroker.Policy + """


          - id: support-stripe
            reason: Support agents read charges and refund them for the user they serve.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [stripe]
            scopes: [charges:read, refunds:write]
            http:
              - GET /v1/charges/*
              - { method: POST, path: /v1/refunds }
              - POST /v1/echo
              - GET /v1/echo-secret
              - GET /v1/echo-cut
              - GET /v1/big
              - GET /v1/big-known
              - GET /v1/slow
              - GET /v1/hop
              - OPTIONS /v1/hop
              - TRACE /v1/hop
              - GET /v1/events
              - GET /v1/stall
              - GET /v1/break
              - GET /v1/missing
              - GET /v1/files/**

          - id: support-ledger-no-http
            reason: Support agents read the ledger directly, never through the proxy (no http list).
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [ledger]
            scopes: [ledger:read]
        """;
}
