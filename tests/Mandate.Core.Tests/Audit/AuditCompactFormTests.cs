using System.Text.Json;
using Mandate.Core.Audit;

namespace Mandate.Core.Tests.Audit;

/// <summary>The compact form must rebuild every event to the byte, or the chain a store verifies is not the one it wrote.</summary>
public sealed class AuditCompactFormTests
{
    private static readonly DateTimeOffset Time = new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);

    public static TheoryData<AuditEvent> Events() => [.. All];

    private static readonly AuditEvent[] All =
    [
        new AuditEvent { Kind = AuditKinds.KeyRotation, Time = Time, Outcome = "rotated", TraceId = null },
        new AuditEvent
        {
            Kind = AuditKinds.Issuance, Time = Time, Outcome = "issued", Agent = "spiffe://acme.example/agents/support", Tenant = "acme",
            User = "alice", Run = "run_1", Tool = "refunds", Scope = "refunds:write", Jti = "jti_1", DecisionId = "dec_1",
            PolicyVersion = "sha256:9f", Rule = "r", Reason = "in that user's tenant <only> & \"quoted\"", Node = "node-a",
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["actor_exp"] = "1767226200", ["actor_jti"] = "dev_1", ["aud"] = "https://refunds.acme.example", ["exp"] = "1767225780",
                ["iat"] = "1767225600", ["sub"] = "alice", ["user_exp"] = "1767226200", ["subject_run"] = "run_0", ["kid"] = "k1",
            },
        },
        new AuditEvent
        {
            Kind = AuditKinds.Decision, Time = Time, Outcome = "deny", User = "zoë 東京", Reason = "line\nbreak\ttab \u2028",
            TraceId = null,
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["exp"] = "", ["note"] = "é", ["x_jti"] = "\"<+>&' \u00e9" },
        },
    ];

    [Theory]
    [MemberData(nameof(Events))]
    public void SplitThenJoin_RebuildsTheCanonicalPayloadExactly(AuditEvent e)
    {
        var compact = AuditCompactForm.Split(e);

        var rebuilt = AuditCompactForm.Join(
            compact.Shape.Body, compact.Shape.OwnKeys, compact.Time, compact.User, compact.Run, compact.Jti, compact.DecisionId, compact.TraceId, compact.OwnValues);

        Assert.Equal(AuditCanonicalJson.Serialize(e), AuditCanonicalJson.Serialize(rebuilt));
    }

    [Fact]
    public void Split_RecordsOfOneKindForDifferentUsersAndTokens_ShareOneShape()
    {
        var first = All[1];
        var second = first with
        {
            Time = Time.AddSeconds(1), User = "bob", Run = "run_2", Jti = "jti_2", DecisionId = "dec_2", TraceId = "0af7651916cd43dd8448eb211c80319c",
            Evidence = new SortedDictionary<string, string>(first.Evidence.ToDictionary(), StringComparer.Ordinal) { ["exp"] = "1", ["sub"] = "bob", ["actor_jti"] = "dev_2" },
        };

        Assert.Equal(AuditCompactForm.Split(first).Shape.Key, AuditCompactForm.Split(second).Shape.Key);
        Assert.DoesNotContain("alice", AuditCompactForm.Split(first).Shape.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_SameSharedFieldsButOtherOwnKeys_DifferentShapes()
    {
        var e = All[1];
        var without = e with { Evidence = new SortedDictionary<string, string>(e.Evidence.Where(p => p.Key != "user_exp").ToDictionary(), StringComparer.Ordinal) };

        Assert.Equal(AuditCompactForm.Split(e).Shape.Body, AuditCompactForm.Split(without).Shape.Body);
        Assert.NotEqual(AuditCompactForm.Split(e).Shape.Key, AuditCompactForm.Split(without).Shape.Key);
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Split_OwnKeysAndValues_AreTheJsonArraysTheSerializerWrites(AuditEvent e)
    {
        // Shapes already stored are found again by their key, a hash over these exact bytes.
        var own = e.Evidence.Where(p => AuditCompactForm.IsOwn(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();

        var compact = AuditCompactForm.Split(e);

        Assert.Equal(own.Length == 0 ? null : JsonSerializer.Serialize(own.Select(p => p.Key)), compact.Shape.OwnKeys);
        Assert.Equal(own.Length == 0 ? null : JsonSerializer.Serialize(own.Select(p => p.Value)), compact.OwnValues);
    }

    [Fact]
    public void Serialize_EvidenceInAnotherOrderOrType_WritesItInOrdinalKeyOrder()
    {
        var sorted = All[2] with
        {
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["Z"] = "1", ["a_b"] = "2", ["aB"] = "3", ["é"] = "4", ["exp"] = "5" },
        };
        var unsorted = sorted with { Evidence = new Dictionary<string, string> { ["é"] = "4", ["exp"] = "5", ["aB"] = "3", ["a_b"] = "2", ["Z"] = "1" } };
        var culture = sorted with { Evidence = new SortedDictionary<string, string>(unsorted.Evidence.ToDictionary(), StringComparer.InvariantCulture) };

        var expected = AuditCanonicalJson.Serialize(sorted);

        Assert.Contains("{\"Z\":\"1\",\"aB\":\"3\",\"a_b\":\"2\",\"exp\":\"5\"", expected, StringComparison.Ordinal);
        Assert.Equal(expected, AuditCanonicalJson.Serialize(unsorted));
        Assert.Equal(expected, AuditCanonicalJson.Serialize(culture));
        Assert.Equal(expected, EncodedAuditEvent.Of(unsorted).Payload);
    }

    [Theory]
    [InlineData("[\"1\"]", "[\"a\",\"b\"]")]
    [InlineData("[\"1\"]", "not json")]
    public void Join_ValuesDoNotFitTheShape_Throws(string keys, string values)
    {
        var body = AuditCompactForm.Split(All[0]).Shape.Body;

        Assert.ThrowsAny<Exception>(() => AuditCompactForm.Join(body, keys, Time, null, null, null, null, null, values));
    }

    [Fact]
    public void ToRecord_ShapeNotJson_PayloadFailsTheHashInsteadOfThrowing()
    {
        var e = All[1];
        var record = AuditChain.Link(AuditTail.Genesis, [e])[0];
        var c = AuditCompactForm.Split(e);

        var read = new AuditCompactRow(
            1, c.Time.UtcTicks, c.Shape.Kind, c.Shape.Outcome, c.Shape.Agent, c.Shape.Tenant, c.User, "{not json", c.Shape.OwnKeys,
            c.Run, c.Jti, c.DecisionId, c.TraceId, c.OwnValues, Convert.FromHexString(record.PreviousHash), Convert.FromHexString(record.Hash)).ToRecord();

        Assert.NotEqual(record.Hash, AuditChain.ComputeHash(1, read.PreviousHash, read.Payload));
    }

    public static TheoryData<string> ShapeFields() =>
        ["Kind", "Outcome", "Agent", "Tenant", "Tool", "Scope", "PolicyVersion", "Rule", "Reason", "Node", "shared evidence", "shared evidence key", "own evidence key"];

    // The same number of shared pairs with the same value under another key.
    private static SortedDictionary<string, string> Renamed(SortedDictionary<string, string> evidence, string from, string to)
    {
        var renamed = new SortedDictionary<string, string>(evidence, StringComparer.Ordinal) { [to] = evidence[from] };
        renamed.Remove(from);
        return renamed;
    }

    [Theory]
    [MemberData(nameof(ShapeFields))]
    public void Split_EventDifferingInOneShapeFieldAfterARememberedShape_GetsItsOwnShapeAndRebuildsExactly(string field)
    {
        var known = All[1];
        var evidence = new SortedDictionary<string, string>(known.Evidence.ToDictionary(), StringComparer.Ordinal);
        var variant = field switch
        {
            "Kind" => known with { Kind = AuditKinds.Decision },
            "Outcome" => known with { Outcome = "refused" },
            "Agent" => known with { Agent = "spiffe://acme.example/agents/other" },
            "Tenant" => known with { Tenant = "globex" },
            "Tool" => known with { Tool = "payments" },
            "Scope" => known with { Scope = "refunds:read" },
            "PolicyVersion" => known with { PolicyVersion = "sha256:aa" },
            "Rule" => known with { Rule = "other" },
            "Reason" => known with { Reason = null },
            "Node" => known with { Node = "node-b" },
            "shared evidence" => known with { Evidence = new SortedDictionary<string, string>(evidence, StringComparer.Ordinal) { ["kid"] = "k2" } },
            "shared evidence key" => known with { Evidence = Renamed(evidence, "kid", "kid2") },
            _ => known with { Evidence = new SortedDictionary<string, string>(evidence, StringComparer.Ordinal) { ["extra_exp"] = "1" } },
        };
        var rememberedKey = AuditCompactForm.Split(known).Shape.Key;

        var compact = AuditCompactForm.Split(variant);
        var rebuilt = AuditCompactForm.Join(
            compact.Shape.Body, compact.Shape.OwnKeys, compact.Time, compact.User, compact.Run, compact.Jti, compact.DecisionId, compact.TraceId, compact.OwnValues);

        Assert.NotEqual(rememberedKey, compact.Shape.Key);
        Assert.Equal(AuditCanonicalJson.Serialize(variant), AuditCanonicalJson.Serialize(rebuilt));
    }

    [Fact]
    public void AuditEvent_EveryProperty_IsKeptPerRecordOrIsPartOfTheShapeCacheKey()
    {
        // A property added to AuditEvent must be added to AuditCompactForm (per record) or to AuditShapeCache's key.
        string[] perRecord = ["Time", "User", "Run", "Jti", "DecisionId", "TraceId", "Evidence"];
        string[] shapeKey = ["Kind", "Outcome", "Agent", "Tenant", "Tool", "Scope", "PolicyVersion", "Rule", "Reason", "Node"];
        var properties = typeof(AuditEvent).GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(perRecord.Concat(shapeKey).Order(StringComparer.Ordinal), properties);
    }
}
