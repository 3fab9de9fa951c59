using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

public sealed class HttpAllowListTests
{
    private static PolicyRule LoadRule(string http) =>
        Load(Rules(Rule("r", "allow", Support, "stripe", "tenant: any", "subject: any", "http: " + http))).Rules[0];

    [Fact]
    public void Load_StringAndMappingEntries_AreBothRead()
    {
        var rule = LoadRule("[\"GET /v1/charges/*\", {method: POST, path: /v1/refunds}]");

        Assert.Equal(["GET /v1/charges/*", "POST /v1/refunds"], rule.Http!.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("GET", "/v1/charges/ch_1", true)]
    [InlineData("GET", "/v1/charges", false)]
    [InlineData("GET", "/v1/charges/ch_1/capture", false)]
    [InlineData("POST", "/v1/charges/ch_1", false)]
    [InlineData("POST", "/v1/refunds", true)]
    [InlineData("GET", "/v1/files", true)]
    [InlineData("GET", "/v1/files/a/b/c", true)]
    [InlineData("DELETE", "/v1/anything/x", true)]
    [InlineData("DELETE", "/v1/anything/x/y", false)]
    [InlineData("GET", "/v1/charges/", false)]
    public void AllowsHttp_Globs_MatchOneSegmentOrTheRest(string method, string path, bool allowed)
    {
        var rule = LoadRule("[\"GET /v1/charges/*\", \"POST /v1/refunds\", \"GET /v1/files/**\", \"* /v1/anything/*\"]");

        Assert.Equal(allowed, rule.AllowsHttp(method, path[1..].Split('/')) is not null);
    }

    [Fact]
    public void Load_RuleWithoutHttp_HasNoAllowList()
    {
        Assert.Null(Load(Rules(Rule("r", "allow", Support, "stripe", "tenant: any"))).Rules[0].Http);
    }

    [Theory]
    [InlineData("[\"GET v1/charges\"]")]
    [InlineData("[\"get /v1/charges\"]")]
    [InlineData("[\"GET /v1/ch*\"]")]
    [InlineData("[\"GET /v1/**/x\"]")]
    [InlineData("[\"GET /v1/../admin\"]")]
    [InlineData("[\"GET /v1/%2e%2e\"]")]
    [InlineData("[\"GET /v1?x=1\"]")]
    [InlineData("[\"GET\"]")]
    [InlineData("[{method: GET}]")]
    [InlineData("[{method: GET, path: /x, verb: POST}]")]
    [InlineData("[]")]
    [InlineData("GET /v1")]
    public void Load_BadHttpEntry_IsAProblem(string http)
    {
        Assert.NotEmpty(Problems(Rules(Rule("r", "allow", Support, "stripe", "tenant: any", "http: " + http))));
    }

    [Fact]
    public void Load_DenyRuleWithHttp_IsAProblem()
    {
        var problems = Problems(Rules(Rule("r", "deny", Support, "stripe", "http: [\"GET /x\"]")));

        Assert.Contains(problems, p => p.Message.Contains("deny rule grants nothing, so http does not apply", StringComparison.Ordinal));
    }
}
