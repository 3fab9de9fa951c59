using Mandate.Examples.Demo;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await DemoProgram.RunAsync(null, cancel.Token);
