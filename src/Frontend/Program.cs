using Chat.Frontend;
using Chat.Shared.Http;
using Chat.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddMetadataStore();
builder.AddMessageStore();
builder.AddFrontend();

var app = builder.Build();
app.UseServiceDefaults();
app.MapFrontend();
app.RunOrExplain();
