using System.Net;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Keys;

/// <summary>
/// <c>POST /admin/keys/rotate</c> (behind <c>mandate keys rotate</c>) with keys.rotate_every 10m and keys.publish_ahead
/// 5m on the manual clock: a routine rotation publishes the next key now and lets it sign publish_ahead later; a
/// compromised one signs with a new key at once and stops every verifier of this broker trusting the old one.
/// </summary>
public sealed class KeyRotateOnDemandTests : BrokerTest
{
    [Fact]
    public async Task RotateRoutine_PublishesTheNextKeyNow_WhichSignsOnlyAfterPublishAhead()
    {
        var oldKid = Broker.Runtime.Keys.Current.Active.Kid;

        var reply = await RotateAsync(new { reason = "quarterly drill", by = "admin:alice" });
        var next = Rotation(reply);
        var cachedByAVerifier = await PublishedKidsAsync();
        var beforeTakeover = await Broker.IssueAsync();
        Broker.Clock.Advance(PublishAhead);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var afterTakeover = await Broker.IssueAsync();

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("published", next.GetProperty("outcome").GetString());
        var newKid = next.GetProperty("kid").GetString()!;
        Assert.Equal([oldKid, newKid], cachedByAVerifier);
        Assert.Equal(oldKid, IssuedTokens.Read(beforeTakeover).Kid);
        Assert.Equal(newKid, IssuedTokens.Read(afterTakeover).Kid);
        var published = (await Broker.AuditEventsAsync(AuditKinds.KeyRotation))[^2];
        Assert.Equal(("published", newKid, "false", "admin:alice", "quarterly drill"),
            (published.Outcome, published.Evidence["kid"], published.Evidence["compromised"], published.Evidence["by"], published.Reason));
    }

    [Fact]
    public async Task RotateRoutine_Twice_SecondChangesNothingAndNamesTheWaitingKey()
    {
        var first = Rotation(await RotateAsync(new { reason = "drill" }));
        var recordsAfterFirst = (await Broker.AuditEventsAsync(AuditKinds.KeyRotation)).Count;

        var second = Rotation(await RotateAsync(new { reason = "drill" }));

        Assert.Equal("already_published", second.GetProperty("outcome").GetString());
        Assert.Equal(first.GetProperty("kid").GetString(), second.GetProperty("kid").GetString());
        Assert.Equal(recordsAfterFirst, (await Broker.AuditEventsAsync(AuditKinds.KeyRotation)).Count);
        Assert.Equal(2, (await PublishedKidsAsync()).Count);
    }

    [Fact]
    public async Task RotateCompromised_CredentialIssuedBefore_IsInactiveAtIntrospectionAndItsKidLeavesTheJwks()
    {
        var before = await Broker.IssueAsync();
        var oldKid = IssuedTokens.Read(before).Kid;
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(before, Broker.Svid(RefundsWorkload))));

        var reply = await RotateAsync(new { compromised = true, reason = "key seen in a crash dump", by = "admin:alice" });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        IntrospectionReply.AssertInactive(await Broker.IntrospectAsync(before, Broker.Svid(RefundsWorkload)));
        Assert.DoesNotContain(oldKid, await PublishedKidsAsync());
        Assert.False((await IssuedTokens.ValidateWithJwksAsync(Broker, before, Refunds)).IsValid);
        var rotation = Rotation(reply);
        Assert.Equal(1, rotation.GetProperty("outstanding").GetInt32());
        Assert.Equal([oldKid], rotation.GetProperty("distrusted").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task RotateCompromised_NewExchange_GetsACredentialUnderTheNewKidThatVerifies()
    {
        var oldKid = Broker.Runtime.Keys.Current.Active.Kid;

        var rotation = Rotation(await RotateAsync(new { compromised = true, reason = "leak" }));
        var after = await Broker.IssueAsync();

        var newKid = rotation.GetProperty("kid").GetString()!;
        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(newKid, IssuedTokens.Read(after).Kid);
        Assert.Equal([newKid], await PublishedKidsAsync());
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(after, Broker.Svid(RefundsWorkload))));
        var verified = await IssuedTokens.ValidateWithJwksAsync(Broker, after, Refunds);
        Assert.True(verified.IsValid, verified.Exception?.Message);
    }

    [Fact]
    public async Task RotateCompromised_KeyPublishedAheadAndRetiredKeysStillPublished_AreAllDistrusted()
    {
        // A retired key still published for its tokens, and a next key waiting: a leak of either is as bad.
        Broker.Clock.Advance(RotateEvery);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        Broker.Clock.Advance(PublishAhead);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        Broker.Clock.Advance(RotateEvery);
        await Broker.Runtime.Keys.RefreshAsync(CancellationToken.None);
        var published = await PublishedKidsAsync();
        Assert.Equal(3, published.Count);

        var rotation = Rotation(await RotateAsync(new { compromised = true }));

        Assert.Equal(published, rotation.GetProperty("distrusted").EnumerateArray().Select(k => k.GetString()!).ToList());
        Assert.Equal([rotation.GetProperty("kid").GetString()!], await PublishedKidsAsync());
    }

    [Fact]
    public async Task RotateCompromised_RunTokenSignedBefore_IsRefusedForTheNextExchange()
    {
        var runToken = await Broker.StartRunAsync();

        await RotateAsync(new { compromised = true, reason = "leak" });
        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
        Assert.Contains("is not signed by this broker's keys", reply.Description, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task RotateCompromised_AuditRecordSaysCompromisedWhoAndWhy_BeforeTheAnswer()
    {
        var oldKid = Broker.Runtime.Keys.Current.Active.Kid;

        var rotation = Rotation(await RotateAsync(new { compromised = true, reason = "key seen in a crash dump", by = "admin:alice" }));

        var record = (await Broker.AuditEventsAsync(AuditKinds.KeyRotation))[^1];
        Assert.Equal("rotated", record.Outcome);
        Assert.Equal("key seen in a crash dump", record.Reason);
        Assert.Equal(("true", "admin:alice"), (record.Evidence["compromised"], record.Evidence["by"]));
        Assert.Equal((rotation.GetProperty("kid").GetString(), oldKid), (record.Evidence["kid"], record.Evidence["retired_kid"]));
        Assert.Equal(Broker.Options.Node, record.Node);
    }

    [Theory]
    [InlineData("""{"purpose":"token-signer"}""", "admin.key_purpose_invalid")]
    [InlineData("""{"purpose":"Token-Signing"}""", "admin.key_purpose_invalid")]
    [InlineData("""{"purpose":""}""", "admin.key_purpose_invalid")]
    [InlineData("""{"compromised":"yes"}""", "admin.body_invalid")]
    [InlineData("""{"purpose":["token-signing"]}""", "admin.body_invalid")]
    [InlineData("""{"purpose":"token-signing","compromise":true}""", "admin.body_invalid")]
    [InlineData("""{"reason":"a\u0007b"}""", "admin.text_invalid")]
    [InlineData("""{"by":" "}""", "admin.text_invalid")]
    [InlineData("[1]", "admin.body_invalid")]
    public async Task Invariant7_RotateBadBody_Returns400ProblemAndChangesNothing(string body, string checkId)
    {
        var stored = await KeyRowsAsync();

        var reply = await Broker.AssertAuditUnchangedAsync(() => AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/keys/rotate", body));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal(checkId, reply.Json.GetProperty("check_id").GetString());
        Assert.Equal(stored, await KeyRowsAsync());
    }

    [Fact]
    public async Task Invariant7_RotateUnknownPurpose_ProblemNamesTheValidPurposes()
    {
        var reply = await AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/keys/rotate", """{"purpose":"signing"}""");

        Assert.Contains("token-signing, token-signing-rs256, federation-signing, audit-checkpoint", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatePurposeNotConfigured_Returns409ProblemAndChangesNothing()
    {
        var reply = await Broker.AssertAuditUnchangedAsync(() => AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/keys/rotate", """{"purpose":"token-signing-rs256"}"""));

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal("admin.key_purpose_unavailable", reply.Json.GetProperty("check_id").GetString());
        Assert.Contains("signing_alg: RS256", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListKeys_AfterRoutineRotate_ShowsActiveAndNextWithWhenTheNextSigns()
    {
        var oldKid = Broker.Runtime.Keys.Current.Active.Kid;
        var next = Rotation(await RotateAsync(new { reason = "drill" })).GetProperty("kid").GetString();

        var reply = await AdminSocket.GetAsync(Broker, "admin/keys");

        var keys = reply.Json.EnumerateArray().ToList();
        Assert.Equal([(oldKid, "active"), (next, "next")], keys.Select(k => (k.GetProperty("kid").GetString(), k.GetProperty("state").GetString())));
        Assert.Equal(Broker.Now + PublishAhead, keys[1].GetProperty("signs_from").GetDateTimeOffset());
        Assert.All(keys, k => Assert.Equal(Broker.Options.Node, k.GetProperty("node").GetString()));
    }

    private async Task<List<(string Kid, DateTimeOffset? RetiredAt, DateTimeOffset? PublishUntil)>> KeyRowsAsync() =>
        [.. (await Broker.Runtime.Store.ListKeysAsync("token-signing", CancellationToken.None)).Select(k => (k.Kid, k.RetiredAt, k.PublishUntil))];

    // The broker's first key was made at the clock's start; a key made in the same instant would tie with it in the
    // store's order (created_at, then kid), which a real clock's microseconds never do.
    private Task<OAuthReply> RotateAsync(object body)
    {
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        return AdminSocket.PostJsonAsync(Broker, "admin/keys/rotate", body);
    }

    private static JsonElement Rotation(OAuthReply reply) => Assert.Single(reply.Json.GetProperty("rotations").EnumerateArray().ToList());

    private async Task<List<string>> PublishedKidsAsync()
    {
        using var jwks = JsonDocument.Parse(await Broker.Http.GetStringAsync(".well-known/jwks.json"));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }
}
