using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;

namespace Mandate.ResourceServer.Tests;

/// <summary>How refusals look on the wire (RFC 6750 §3): the right status and challenge, never a 500, never the credential.</summary>
public sealed class RefusalShapeTests : ToolTest
{
    [Fact]
    public async Task NoCredential_Gets401WithABareBearerChallenge_NoErrorCode()
    {
        var reply = await Refunds.PostAsync("/refunds", null, RefundBody);

        Assert.Equal(401, reply.Status);
        // RFC 6750 §3.1: a request with no authentication information gets no error code.
        Assert.Equal($"Bearer realm=\"{ToolKind.Refunds.Resource}\"", reply.Bearer);
        Assert.Null(reply.Error);
    }

    [Fact]
    public async Task AnotherScheme_IsNotAMandateCredential_And401sLikeNone()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Refunds.PostAsync("/refunds", credential, RefundBody, scheme: "Basic");

        Assert.Equal(401, reply.Status);
        Assert.Null(reply.Error);
        Assert.StartsWith("Bearer realm=", reply.Bearer);
    }

    [Fact]
    public async Task BearerSchemeIsCaseInsensitive()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        Assert.Equal(201, (await Refunds.PostAsync("/refunds", credential, RefundBody, scheme: "bearer")).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("not,token68")]
    public async Task MalformedBearerValue_Is400InvalidRequest(string value)
    {
        var reply = await Refunds.SendAsync(HttpMethod.Post, "/refunds", null, "Bearer", RefundBody,
            r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + value));

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
    }

    [Fact]
    public async Task TwoCredentials_Is400InvalidRequest()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Refunds.SendAsync(HttpMethod.Post, "/refunds", credential, "Bearer", RefundBody,
            r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential));

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Invariant7_AccessTokenInTheQuery_Is400InvalidRequestAndNothingIsDone(bool alsoInTheHeader)
    {
        // RFC 6750 §2: one method per request; §2.3 and RFC 9700 §4.3.2: a token in a URL leaks into logs.
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Refunds.SendAsync(HttpMethod.Post, "/refunds?access_token=" + credential, alsoInTheHeader ? credential : null, "Bearer", RefundBody);

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
        Assert.DoesNotContain(credential, reply.Body, StringComparison.Ordinal);
        var next = await Refunds.PostAsync("/refunds", credential, RefundBody);
        Assert.Contains("rf_1", next.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant7_AccessTokenInAFormBody_IsNotACredential_NoErrorCodeAndNothingIsDone()
    {
        // RFC 6750 §2.2: a resource server MAY accept the form body; this one does not. §3.1: a request that
        // "attempted using an unsupported authentication method" SHOULD get no error code.
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Refunds.SendAsync(HttpMethod.Post, "/refunds", null, "Bearer", null,
            r => r.Content = new FormUrlEncodedContent([new("access_token", credential), new("order", "o-1001"), new("amount", "25.5")]));

        // A JSON endpoint's routing answers 415 before authentication runs; either way the body is not a credential.
        Assert.True(reply.Status is 401 or 415, $"status {reply.Status}");
        Assert.Null(reply.Error);
        Assert.DoesNotContain(credential.Split('.')[2], reply.Body, StringComparison.Ordinal);
        var next = await Refunds.PostAsync("/refunds", credential, RefundBody);
        Assert.Contains("rf_1", next.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialTooLong_Is400_BeforeParsing()
    {
        var reply = await Refunds.PostAsync("/refunds", new string('a', 20_000), RefundBody);

        Assert.Equal(400, reply.Status);
    }

    [Fact]
    public async Task Refusals_NeverEchoTheCredential_InHeadersOrBody()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Crm, "crm:read");
        var parts = credential.Split('.');

        var replies = new[]
        {
            await Refunds.PostAsync("/refunds", credential, RefundBody),
            await Refunds.PostAsync("/refunds", ForgedTokens.SwapPayload(credential, c => c["aud"] = ToolKind.Refunds.Resource), RefundBody),
            await Refunds.PostAsync("/refunds", parts[1], RefundBody),
        };

        foreach (var reply in replies)
        {
            Assert.Equal(401, reply.Status);
            var text = string.Join("\n", reply.Challenges) + reply.Body;
            Assert.DoesNotContain(parts[1], text);
            Assert.DoesNotContain(parts[2], text);
        }
    }

    [Fact]
    public async Task RandomGarbageCredentials_AreAlwaysRefused_NeverWith500()
    {
        var random = new Random(20261122);
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=";
        for (var i = 0; i < 60; i++)
        {
            var chars = credential.ToCharArray();
            for (var j = 0; j < 1 + random.Next(4); j++)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var mutated = i % 3 == 0 ? new string(alphabet.OrderBy(_ => random.Next()).Take(random.Next(1, 60)).ToArray()) : new string(chars);
            if (mutated == credential)
            {
                continue;
            }

            var reply = await Refunds.PostAsync("/refunds", mutated, RefundBody);
            Assert.True(reply.Status is 400 or 401, $"status {reply.Status} for mutation {i}");
        }
    }
}
