using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Chat.LoadTest;

/// <summary>
/// The floor under the HTTP figures: the very same requests (body, size, bearer token, batch), over the
/// same number of keep-alive connections, from the same generator in the same run, answered by a Kestrel
/// endpoint that reads the body and answers 202 (or 207) with the same shape — and does nothing else.
/// Whatever Chat reaches is measured against this: the ratio says how much of the machine is Chat's work.
/// </summary>
public static class HttpFloor
{
    public static async Task<double> MeasureAsync(LoadOptions options, LoadRun run)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPost("/v1/messages", async (HttpRequest request) =>
        {
            var body = await System.Text.Json.JsonSerializer.DeserializeAsync(request.Body, LoadJson.Default.MessageBody);
            return Results.Json(new BatchItem(body!.MessageId, "accepted"), LoadJson.Default.BatchItem, statusCode: StatusCodes.Status202Accepted);
        });
        app.MapPost("/v1/messages/batch", async (HttpRequest request) =>
        {
            var body = await System.Text.Json.JsonSerializer.DeserializeAsync(request.Body, LoadJson.Default.BatchBody);
            return Results.Json(new BatchAnswer(body!.Messages.Select(m => new BatchItem(m.MessageId, "accepted")).ToList()), LoadJson.Default.BatchAnswer,
                statusCode: StatusCodes.Status207MultiStatus);
        });
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var http = LoadRun.Client(url, options.Connections);
        var (from, conversations, token) = run.Sender;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Console.WriteLine($"HTTP floor: the same requests to a no-op Kestrel endpoint for {options.HttpFloorSeconds} s …");
        var sent = new ConcurrentBag<LoadRun.Sent>();
        var errors = 0;
        using var slots = new SemaphoreSlim(options.Connections);
        var inFlight = new List<Task>();
        var counter = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < options.HttpFloorSeconds)
        {
            await slots.WaitAsync();
            var first = counter;
            counter += options.Batch;
            inFlight.Add(LoadRun.PostAsync(http, from, Enumerable.Range(first, options.Batch).Select(n => conversations[n % conversations.Count]).ToList(), options, sent,
                () => Interlocked.Increment(ref errors), slots));
        }
        await Task.WhenAll(inFlight);
        var rate = sent.Count / clock.Elapsed.TotalSeconds;
        if (errors > 0) Console.WriteLine($"HTTP floor: {errors:N0} requests failed");
        await app.StopAsync();
        return rate;
    }
}
