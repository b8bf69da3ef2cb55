using Chat.LoadTest;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

await using var target = await Target.StartAsync(options);
var run = new LoadRun(options, target);
var results = await run.RunAsync();
var floor = options.FloorMessages > 0 ? Floor.Measure(target, options) : (double?)null;
Report.Print(options, results, floor, run.Fleet);
if (run.Fleet is not null) await run.Fleet.DisposeAsync();
run.Stalled?.Dispose();
return results.Any(r => r.Errors > 0) ? 1 : 0;
