using System.Text.Json;
using Mandate.Core.AuthorizationDetails;
using Mandate.Core.Configuration;
using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;
using Mandate.Policy;
using Mandate.Policy.Expressions;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// RFC 9396 authorization_details against a tool's declared types, and the accepted details through a
/// policy condition over them. Oracle: details xor an error; a condition evaluates to a value or an error.
/// </summary>
internal sealed class AuthorizationDetailsTarget : FuzzTarget<string>
{
    private static readonly string[] Seeds =
    [
        """[{"type":"refund","amount":80,"currency":"EUR"}]""",
        """[{"type":"refund","amount":99.5,"currency":"USD","note":"late delivery"},{"type":"refund","amount":1,"currency":"EUR"}]""",
        """[{"type":"refund","amount":0,"currency":"EUR","approved":true}]""",
    ];

    private static readonly ToolOptions Tool = new()
    {
        Name = "refunds",
        Resource = "https://refunds.acme.example",
        Scopes = ["refunds:write"],
        AuthorizationDetailsTypes =
        [
            new AuthorizationDetailsType
            {
                Type = "refund",
                Fields = new Dictionary<string, DetailField>
                {
                    ["amount"] = new(DetailFieldKind.Number, true),
                    ["currency"] = new(DetailFieldKind.Text, true),
                    ["note"] = new(DetailFieldKind.Text, false),
                    ["approved"] = new(DetailFieldKind.Flag, false),
                },
            },
        ],
    };

    private static readonly CelProgram[] Conditions =
    [
        Compile("authorization_details.all(d, d.amount <= 100 && d.currency in ['EUR', 'USD'])"),
        Compile("authorization_details.exists(d, has(d.note) && d.note.size() > 3) || authorization_details.map(d, d.amount).filter(a, a > 10.0).size() == 0"),
    ];

    public override string Name => "authorization_details";

    public override string Covers => "AuthorizationDetailsParser (RFC 9396) and policy conditions over the parsed details";

    protected override string Generate(Random random) => random.Next(10) switch
    {
        0 => Mutations.RandomText(random, 100),
        1 => JsonSerializer.Serialize(JsonMutations.RandomValue(random)),
        _ => JsonMutations.Mutate(random, Mutations.Pick(random, Seeds)),
    };

    protected override ValueTask<Verdict> CheckAsync(string input)
    {
        var (details, error) = AuthorizationDetailsParser.Parse(input, Tool);
        if ((details is null) == (error is null))
        {
            return Verdict.Task(Verdict.Broken("details and error both present or both absent"));
        }

        if (details is not null)
        {
            var variables = PolicyExpressionContext.Build(new PolicyInput
            {
                Agent = "spiffe://acme.example/agents/support",
                Tool = "refunds",
                Scopes = ["refunds:write"],
                Tenant = "acme",
                Subject = SubjectKind.User,
                User = "alice",
                UserTenant = "acme",
                Environment = "dev",
                AuthorizationDetails = details,
            });
            foreach (var condition in Conditions)
            {
                var result = condition.Evaluate(variables);
                if (result.Error is null && result.Value is not bool)
                {
                    return Verdict.Task(Verdict.Broken($"a condition evaluated to a {CelValues.TypeName(result.Value)}"));
                }
            }
        }

        return Verdict.Task(details is null ? Verdict.Refused : Verdict.Accepted);
    }

    private static CelProgram Compile(string source) =>
        CelProgram.Compile(source, PolicyExpressionContext.Environment).Program
        ?? throw new InvalidOperationException("a fuzz condition does not compile: " + source);
}
