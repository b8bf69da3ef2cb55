using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>Unread counts and read cursors (issue 16): counted as messages are stored, moved forward only, agreed on by every device.</summary>
public sealed class UnreadTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ChatServer Server => fixture.Server;

    private static JsonNode Item(JsonNode page, string conversation) =>
        page["items"]!.AsArray().Single(i => i!["conversation_id"]!.GetValue<string>() == conversation)!;

    private static (long Unread, long LastRead) ReadState(JsonNode item) =>
        (item["unread_count"]!.GetValue<long>(), item["last_read_seq"]!.GetValue<long>());

    [Fact]
    public async Task Bob_reads_five_of_seven_on_one_socket_and_his_counts_and_other_socket_agree()
    {
        var alice = await Server.Client().SignUpAsync("unalice");
        var bob = await Server.Client().SignUpAsync("unbob");
        var first = await alice.CreateConversationAsync("direct", bob.Username!);
        var second = await alice.CreateConversationAsync("group", bob.Username!);
        for (var i = 1; i <= 7; i++) await alice.SendTextAsync(first, $"first {i}");
        for (var i = 1; i <= 3; i++) await alice.SendTextAsync(second, $"second {i}");
        // His own messages never count for him.
        await bob.SendTextAsync(second, "from bob");
        await Eventually.UntilAsync(() => bob.GetJsonAsync("/v1/unread"), u => u["total"]!.GetValue<long>() == 10, Deadline, "10 unread");

        await using var phone = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await using var laptop = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
        await phone.SendAsync(new { type = "read", conversation_id = first, up_to_seq = 5 });
        var told = await laptop.WaitForAsync(f => ChatSocket.Type(f) == "conversation.read", Deadline, "conversation.read on the other socket");
        Assert.Equal((first, 5L, 2L), (told["conversation_id"]!.GetValue<string>(), told["last_read_seq"]!.GetValue<long>(), told["unread_count"]!.GetValue<long>()));

        var list = await bob.GetJsonAsync("/v1/conversations");
        Assert.Equal((2L, 5L), ReadState(Item(list, first)));
        Assert.Equal((3L, 0L), ReadState(Item(list, second)));
        var details = await bob.GetJsonAsync($"/v1/conversations/{first}");
        Assert.Equal((2L, 5L), ReadState(details));
        Assert.Equal("first 7", details["last_message"]!["preview"]!.GetValue<string>());
        // Ordered by last activity: bob's own message in the group is the newest of all.
        Assert.Equal([second, first], list["items"]!.AsArray().Select(i => i!["conversation_id"]!.GetValue<string>()));
        var last = Item(list, second)["last_message"]!;
        Assert.Equal(("unbob", "from bob"), (last["from"]!.GetValue<string>(), last["preview"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(last["message_id"]!.GetValue<string>()));

        var unread = await bob.GetJsonAsync("/v1/unread");
        Assert.Equal(5L, unread["total"]!.GetValue<long>());
        Assert.Equal(2, unread["conversations"]!.AsArray().Count);

        // A cursor never moves back: reading up to 3 afterwards changes nothing.
        var back = await bob.PostJsonAsync($"/v1/conversations/{first}/read", new { up_to_seq = 3 });
        Assert.Equal(HttpStatusCode.Accepted, back.StatusCode);
        await bob.PostJsonAsync($"/v1/conversations/{second}/read", new { up_to_seq = 4 });
        await laptop.WaitForAsync(f => ChatSocket.Type(f) == "conversation.read" && f["conversation_id"]!.GetValue<string>() == second, Deadline, "the group read");
        list = await bob.GetJsonAsync("/v1/conversations");
        Assert.Equal((2L, 5L), ReadState(Item(list, first)));
        Assert.Equal((0L, 4L), ReadState(Item(list, second)));
        Assert.Equal(2L, (await bob.GetJsonAsync("/v1/unread"))["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Only_messages_addressed_to_a_member_count_for_them()
    {
        var alice = await Server.Client().SignUpAsync("toalice");
        var bob = await Server.Client().SignUpAsync("tobob");
        var carol = await Server.Client().SignUpAsync("tocarol");
        var group = await alice.CreateConversationAsync("group", bob.Username!, carol.Username!);
        await alice.SendTextAsync(group, "to bob only", to: [bob.Username!]);
        await alice.SendTextAsync(group, "to both");
        await Eventually.UntilAsync(() => bob.GetJsonAsync("/v1/unread"), u => u["total"]!.GetValue<long>() == 2, Deadline, "bob's 2 unread");

        Assert.Equal(1L, (await carol.GetJsonAsync("/v1/unread"))["total"]!.GetValue<long>());
        Assert.Equal(0L, (await alice.GetJsonAsync("/v1/unread"))["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Marking_read_refuses_bad_input_and_strangers()
    {
        var alice = await Server.Client().SignUpAsync("rdalice");
        var bob = await Server.Client().SignUpAsync("rdbob");
        var mallory = await Server.Client().SignUpAsync("rdmallory");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);

        async Task<string> FieldOfAsync(HttpResponseMessage response, HttpStatusCode status)
        {
            var body = await ApiClient.ExpectAsync(response, status);
            return Assert.Single(body["errors"]!.AsObject()).Key;
        }
        Assert.Equal("up_to_seq", await FieldOfAsync(await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { up_to_seq = 0 }), HttpStatusCode.BadRequest));
        Assert.Equal("conversation_id", await FieldOfAsync(await bob.PostJsonAsync("/v1/conversations/nope/read", new { up_to_seq = 1 }), HttpStatusCode.NotFound));
        Assert.Equal("conversation_id", await FieldOfAsync(await mallory.PostJsonAsync($"/v1/conversations/{conversation}/read", new { up_to_seq = 1 }), HttpStatusCode.Forbidden));
        Assert.Equal("cursor", await FieldOfAsync(await bob.Http.GetAsync("/v1/conversations?cursor=bogus"), HttpStatusCode.BadRequest));
    }
}
