using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.Testing;

/// <summary>
/// A fake Telegram Bot API over real HTTP: answers <c>POST /bot{token}/sendMessage</c> like Telegram
/// (or with 500 while <see cref="Failing"/>) and records every call it gets.
/// </summary>
public sealed class FakeTelegram : IAsyncDisposable
{
    public sealed record Call(string ChatId, string Text, DateTimeOffset At, bool Answered);

    private readonly WebApplication _app;
    private int _nextId;

    public ConcurrentQueue<Call> Calls { get; } = new();
    public volatile bool Failing;
    public Uri BaseAddress { get; private set; } = null!;

    private FakeTelegram()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/bot{token}/sendMessage", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            var chatId = body["chat_id"]!.ToJsonString().Trim('"');
            var text = body["text"]!.GetValue<string>();
            Calls.Enqueue(new Call(chatId, text, DateTimeOffset.UtcNow, !Failing));
            if (Failing) return Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = 500, ["description"] = "Internal Server Error" }, statusCode: 500);
            var result = new JsonObject
            {
                ["message_id"] = Interlocked.Increment(ref _nextId), ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["chat"] = new JsonObject { ["id"] = long.Parse(chatId), ["type"] = "private" }, ["text"] = text,
            };
            return Results.Json(new JsonObject { ["ok"] = true, ["result"] = result });
        });
    }

    public static async Task<FakeTelegram> StartAsync()
    {
        var fake = new FakeTelegram();
        await fake._app.StartAsync();
        fake.BaseAddress = new Uri(fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
