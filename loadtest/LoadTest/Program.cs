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
// Loud on any gap: an accepted message not stored (or, with sockets, not delivered) fails the run.
var gaps = results.Where(r => r.Stored < r.Accepted).Select(r => $"{r.Phase}: {r.Accepted - r.Stored:N0} of {r.Accepted:N0} accepted messages never reported stored")
    .Concat(run.Fleet is null ? [] : results.Where(r => r.Delivered < r.Accepted).Select(r => $"{r.Phase}: {r.Accepted - r.Delivered:N0} accepted messages never reached their socket"))
    .ToList();
var httpFloor = options.HttpFloorSeconds > 0 ? await HttpFloor.MeasureAsync(options, run) : (double?)null;
var kafkaFloor = options.FloorMessages > 0 ? Floor.Measure(target, options) : (double?)null;
Report.Write(options, run, results, new Report.Floors(kafkaFloor, httpFloor), gaps);
if (run.Fleet is not null) await run.Fleet.DisposeAsync();
run.Stalled?.Dispose();
return results.Any(r => r.Errors > 0) || gaps.Count > 0 ? 1 : 0;
