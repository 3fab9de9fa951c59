using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Mandate.Testing;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// How a DPoP-bound credential and its proof arrive at a tool (RFC 9449 §4.3 step 1, §7.1): the shapes of the DPoP header
/// and the Authorization scheme that a client or an intermediary may send. A refused request creates nothing: the first
/// refund the holder's own request creates afterwards is still rf_1.
/// </summary>
public sealed class DpopPresentationTests : ToolTest
{
    private string Proof(DpopProofs key, string credential, string path = "/refunds") =>
        key.Create("POST", new Uri(Refunds.Address, path).ToString(), Harness.Clock.GetUtcNow(), accessToken: credential);

    private Task<ToolReply> PostAsync(string credential, string path = "/refunds", string scheme = "DPoP", params string[] proofs) =>
        Refunds.SendAsync(HttpMethod.Post, path, credential, scheme, RefundBody, r =>
        {
            if (proofs.Length > 0)
            {
                r.Headers.TryAddWithoutValidation("DPoP", proofs);
            }
        });

    private async Task AssertNothingCreatedAsync(DpopProofs key, string credential)
    {
        var holder = await PostAsync(credential, proofs: Proof(key, credential));
        Assert.Equal(201, holder.Status);
        Assert.Contains("\"id\":\"rf_1\"", holder.Body, StringComparison.Ordinal);
    }

    private static void AssertInvalidProof(ToolReply reply)
    {
        // RFC 9449 §7.1: 401 with a DPoP challenge naming the algorithms and invalid_dpop_proof; the Bearer challenge
        // beside it carries no DPoP error.
        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_dpop_proof", reply.DpopError);
        Assert.Contains("algs=\"ES256 PS256 RS256\"", reply.Dpop, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid_dpop_proof", reply.Bearer, StringComparison.Ordinal);
        Assert.Equal("invalid_dpop_proof", reply.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Invariant7_TwoDpopHeaders_401InvalidDpopProofAndNothingCreated()
    {
        // RFC 9449 §4.3 step 1: "there is not more than one DPoP HTTP request header field".
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");

        AssertInvalidProof(await PostAsync(credential, proofs: [Proof(key, credential), Proof(key, credential)]));
        AssertInvalidProof(await PostAsync(credential, proofs: Proof(key, credential) + ", " + Proof(key, credential)));

        await AssertNothingCreatedAsync(key, credential);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("null")]
    public async Task Invariant7_EmptyOrBlankDpopHeader_401InvalidDpopProofAndNothingCreated(string value)
    {
        // RFC 9449 §4.3 step 2: the DPoP header value is a single well-formed JWT.
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");

        AssertInvalidProof(await PostAsync(credential, proofs: value));

        await AssertNothingCreatedAsync(key, credential);
    }

    [Fact]
    public async Task Invariant7_ProofCarryingThePrivateKey_401InvalidDpopProofAndNothingCreated()
    {
        // RFC 9449 §4.2: the jwk "MUST NOT contain a private key", even when it is the bound key's.
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");
        var proof = key.Create("POST", new Uri(Refunds.Address, "/refunds").ToString(), Harness.Clock.GetUtcNow(), accessToken: credential, jwk: key.PrivateJwkMembers());

        AssertInvalidProof(await PostAsync(credential, proofs: proof));

        await AssertNothingCreatedAsync(key, credential);
    }

    [Fact]
    public async Task Invariant7_ProofWhoseHtmIsLowerCase_401InvalidDpopProofAndNothingCreated()
    {
        // RFC 9449 §4.3 step 8: htm matches the method, and methods are case-sensitive (RFC 9110 §9.1).
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");
        var proof = key.Create("post", new Uri(Refunds.Address, "/refunds").ToString(), Harness.Clock.GetUtcNow(), accessToken: credential);

        AssertInvalidProof(await PostAsync(credential, proofs: proof));

        await AssertNothingCreatedAsync(key, credential);
    }

    [Theory]
    [InlineData("dpop")]
    [InlineData("DPOP")]
    public async Task Rfc9449_DpopSchemeInAnotherCase_IsAccepted(string scheme)
    {
        // RFC 9110 §11.1: an authentication scheme is a case-insensitive token.
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");

        Assert.Equal(201, (await PostAsync(credential, scheme: scheme, proofs: Proof(key, credential))).Status);
    }

    [Theory]
    [InlineData("/refunds")]
    [InlineData("/refunds?trace=1")]
    public async Task Rfc9449_RequestWithAQuery_ProofComparedWithoutIt(string proofPath)
    {
        // RFC 9449 §4.3 step 9: htu matches the request's URI "ignoring any query and fragment parts".
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");

        Assert.Equal(201, (await PostAsync(credential, path: "/refunds?trace=1", proofs: Proof(key, credential, proofPath))).Status);
    }
}
