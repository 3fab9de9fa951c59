namespace Mandate.Cli.Commands;

/// <summary>
/// The examples <c>mandate COMMAND --help</c> ends with, by command path: command lines to copy, with the quickstart's
/// names (tests parse every one, so an option renamed here or in its command cannot drift).
/// </summary>
internal static class HelpExamples
{
    public static readonly IReadOnlyDictionary<string, string[]> ByCommand = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["mandate serve"] = ["mandate serve -c examples/quickstart/mandate.yaml", "mandate serve -c /etc/mandate/mandate.yaml --listen http://127.0.0.1:9090 --node node-a"],
        ["mandate audit verify"] =
        [
            "mandate audit verify -c mandate.yaml",
            "mandate audit verify -c mandate.yaml --checkpoint /var/lib/mandate/checkpoints.jsonl --jwks audit-jwks.json",
            "mandate audit verify --archive audit-2026-10.jsonl --archive audit-2026-11.jsonl --jwks audit-jwks.json",
        ],
        ["mandate audit query"] =
        [
            "mandate audit query -c mandate.yaml --user alice --newest -n 20",
            "mandate audit query -c mandate.yaml --since 15m --kind issuance",
            "mandate audit query -c mandate.yaml --since 2026-12-05T14:00:00Z --until 2026-12-05T15:00:00Z --json",
        ],
        ["mandate audit trace"] = ["mandate audit trace -c mandate.yaml --run run_-P89TTzBiJShSq8b1KbGcV", "mandate audit trace -c mandate.yaml --run run_-P89TTzBiJShSq8b1KbGcV --json"],
        ["mandate audit checkpoint"] = ["mandate audit checkpoint -c mandate.yaml"],
        ["mandate audit archive"] = ["mandate audit archive -c mandate.yaml --before 2026-11-01 --to /archive/audit-2026-10.jsonl"],
        ["mandate revoke"] =
        [
            "mandate revoke -c mandate.yaml --jti jti_-P89TEb1vj8XqgQT_j8Mu- --reason \"token pasted in a ticket\"",
            "mandate revoke -c mandate.yaml --user alice --reason \"account compromised\"",
        ],
        ["mandate keys rotate"] =
        [
            "mandate keys rotate -c mandate.yaml --reason \"quarterly rotation\"",
            "mandate keys rotate -c mandate.yaml --compromised --reason \"key file seen in a crash dump\" --yes",
        ],
        ["mandate keys list"] = ["mandate keys list -c mandate.yaml", "mandate keys list -c mandate.yaml --json"],
        ["mandate approvals list"] = ["mandate approvals list -c mandate.yaml", "mandate approvals list -c mandate.yaml --status all --json"],
        ["mandate approvals approve"] = ["mandate approvals approve -c mandate.yaml areq_-P89TVvcqo3OiBVEMRxbFV --reason \"customer asked to change their email\""],
        ["mandate approvals deny"] = ["mandate approvals deny -c mandate.yaml areq_-P89TVvcqo3OiBVEMRxbFV --reason \"not this customer's record\""],
        ["mandate console login"] = ["mandate console login -c mandate.yaml"],
        ["mandate runs list"] = ["mandate runs list -c mandate.yaml --open --user alice"],
        ["mandate runs show"] = ["mandate runs show -c mandate.yaml run_-P89TTzBiJShSq8b1KbGcV", "mandate runs show -c mandate.yaml run_-P89TTzBiJShSq8b1KbGcV --json"],
        ["mandate runs end"] = ["mandate runs end -c mandate.yaml run_-P89TTzBiJShSq8b1KbGcV --reason \"task done\""],
        ["mandate agents disable"] = ["mandate agents disable -c mandate.yaml spiffe://acme.example/agents/support --reason \"incident 42\""],
        ["mandate agents enable"] = ["mandate agents enable -c mandate.yaml spiffe://acme.example/agents/support --reason \"incident 42 closed\""],
        ["mandate entries create"] =
        [
            "mandate entries create -c mandate.yaml --spiffe-id spiffe://acme.example/tools/refunds --selector unix:uid:1000 --selector unix:path:/opt/refunds/Refunds",
        ],
        ["mandate entries list"] = ["mandate entries list -c mandate.yaml", "mandate entries list -c mandate.yaml --json"],
        ["mandate entries delete"] = ["mandate entries delete -c mandate.yaml ent_V5Tmfg7hWedPm1__ --reason \"agent retired\""],
        ["mandate policy check"] = ["mandate policy check policy.yaml", "mandate policy check -c mandate.yaml policy.yaml"],
        ["mandate policy test"] = ["mandate policy test examples/policy-tests"],
        ["mandate policy explain"] = ["mandate policy explain --policy policy.yaml --request request.yaml"],
        ["mandate token inspect"] = ["mandate token inspect -c mandate.yaml \"$TOKEN\"", "mandate token inspect -c mandate.yaml \"$RUN_TOKEN\" --claim txn"],
        ["mandate dev token"] =
        [
            "mandate dev token -c examples/quickstart/mandate.yaml --issuer workloads --sub spiffe://acme.example/agents/support",
            "mandate dev token -c examples/quickstart/mandate.yaml --issuer acme-idp --sub alice --tenant acme --ttl 5m",
        ],
        ["mandate secrets set"] = ["mandate secrets set -c mandate.yaml stripe --from-env STRIPE_API_KEY", "mandate secrets set -c mandate.yaml stripe < stripe-key.txt"],
        ["mandate secrets list"] = ["mandate secrets list -c mandate.yaml"],
        ["mandate secrets delete"] = ["mandate secrets delete -c mandate.yaml stripe"],
    };
}
