using System.Security.Cryptography;
using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;
using Mandate.Server.Tests.Harness;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// The broker's SPIFFE CA reading a PKCS#10 request (what an x509 tool exchange does with mandate_csr).
/// Oracle: a certificate for the agent over the request's key, or <see cref="CryptographicException"/>,
/// the one exception the exchange maps to invalid_request.
/// </summary>
internal sealed class CsrTarget(FuzzBroker broker) : FuzzTarget<byte[]>, IDisposable
{
    private readonly CsrSeeds _csrs = new();

    public override string Name => "csr";

    public override string Covers => "SpiffeAuthority.IssueToolCredentialForCsr (PKCS#10 from mandate_csr)";

    public void Dispose() => _csrs.Dispose();

    protected override byte[] Generate(Random random) => _csrs.Next(random);

    protected override ValueTask<Verdict> CheckAsync(byte[] input)
    {
        var authority = broker.Broker.Runtime.Spiffe ?? throw new InvalidOperationException("the fuzz broker runs without its SPIFFE CA");
        try
        {
            using var svid = authority.IssueToolCredentialForCsr(TestBroker.SupportAgent, input, TimeSpan.FromMinutes(1), jti => new()
            {
                Audience = TestBroker.Crm, Tool = "crm", Tenant = "acme", Scope = "crm:read", Jti = jti, PolicyVersion = "fuzz", DecisionId = "fuzz",
            });
            return Verdict.Task(svid.SpiffeId == TestBroker.SupportAgent ? Verdict.Accepted : Verdict.Broken("a certificate for another identity"));
        }
        catch (CryptographicException)
        {
            return Verdict.Task(Verdict.Refused);
        }
    }

    protected override string Describe(byte[] input) => Convert.ToBase64String(input.AsSpan(0, Math.Min(input.Length, 600)));
}
