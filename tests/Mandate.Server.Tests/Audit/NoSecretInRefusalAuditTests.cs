using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Audit;

/// <summary>
/// Invariant 8 where input is echoed: a client that puts a token where an id, a scope or a resource goes is refused,
/// and neither the refusal nor the audit record of it repeats the token.
/// </summary>
[Trait("Invariant", "8")]
public sealed class NoSecretInRefusalAuditTests : BrokerTest
{
    public static TheoryData<string> Parameters() => ["scope", "resource", "audience", "tenant", "run"];

    [Theory]
    [MemberData(nameof(Parameters))]
    public async Task Invariant8_TokenGivenWhereAnotherParameterGoes_NeitherTheRefusalNorTheAuditRepeatsIt(string parameter)
    {
        var user = Broker.UserToken();
        var request = Broker.RefundRequest() with { SubjectToken = user };
        request = parameter switch
        {
            "scope" => request with { Scope = user },
            "resource" => request with { Resource = user },
            "audience" => request with { Resource = null, Audience = user },
            "tenant" => request with { Tenant = user },
            _ => request with { Run = user },
        };

        var reply = await Broker.ExchangeAsync(request);

        Assert.InRange((int)reply.Status, 400, 499);
        var audit = await Broker.AuditTableTextAsync();
        foreach (var part in user.Split('.'))
        {
            Assert.DoesNotContain(part, reply.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(part, audit, StringComparison.Ordinal);
        }
    }
}
