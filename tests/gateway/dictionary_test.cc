// fix-specs/FIX44.xml, loaded by QuickFIX 1.15.1's DataDictionary exactly as a
// session with UseDataDictionary=Y loads it.
//
// Two kinds of checks:
//  * the content: every field number, name, type, enum value, message, message
//    field, group and required flag is compared, exhaustively, with tables
//    written here from the FIX 4.4 specification (plus our one user-defined
//    field, MaxSlippageBps(20001), and the tags 20000..20010 around it);
//  * the behaviour: sample messages of every type, built with QuickFIX's FIX44
//    classes (or written on the wire, as a counterparty would send them), are
//    serialised, parsed back with the dictionary and validated; broken ones must
//    be refused with the exception QuickFIX turns into the right session Reject.
//
// OTC_FIX44_DICT=<path> runs the same checks against another file (used to
// check that a damaged dictionary makes this test fail).
#ifndef HAVE_SSL
#define HAVE_SSL 1
#endif
#include <quickfix/DataDictionary.h>
#include <quickfix/Exceptions.h>
#include <quickfix/FieldTypes.h>
#include <quickfix/Message.h>
#include <quickfix/fix44/BusinessMessageReject.h>
#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/Heartbeat.h>
#include <quickfix/fix44/Logon.h>
#include <quickfix/fix44/Logout.h>
#include <quickfix/fix44/MarketDataRequest.h>
#include <quickfix/fix44/MarketDataRequestReject.h>
#include <quickfix/fix44/MarketDataSnapshotFullRefresh.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/OrderCancelReject.h>
#include <quickfix/fix44/OrderCancelReplaceRequest.h>
#include <quickfix/fix44/OrderCancelRequest.h>
#include <quickfix/fix44/OrderStatusRequest.h>
#include <quickfix/fix44/Quote.h>
#include <quickfix/fix44/QuoteCancel.h>
#include <quickfix/fix44/QuoteRequest.h>
#include <quickfix/fix44/QuoteRequestReject.h>
#include <quickfix/fix44/QuoteStatusReport.h>
#include <quickfix/fix44/Reject.h>
#include <quickfix/fix44/ResendRequest.h>
#include <quickfix/fix44/SequenceReset.h>
#include <quickfix/fix44/TestRequest.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using T = FIX::TYPE::Type;

// Our one user-defined field (fix-specs/FIX44.xml): the slippage tolerance of a market order.
constexpr int kMaxSlippageBps = 20001;

// ---------------------------------------------------------------------------
// The expected dictionary (FIX 4.4).

struct FieldSpec {
  int tag;
  const char* name;
  T type;
};

const std::vector<FieldSpec>& expectedFields() {
  static const std::vector<FieldSpec> fields = {
      {1, "Account", T::String},
      {6, "AvgPx", T::Price},
      {7, "BeginSeqNo", T::SeqNum},
      {8, "BeginString", T::String},
      {9, "BodyLength", T::Length},
      {10, "CheckSum", T::String},
      {11, "ClOrdID", T::String},
      {12, "Commission", T::Amt},
      {13, "CommType", T::Char},
      {14, "CumQty", T::Qty},
      {15, "Currency", T::Currency},
      {16, "EndSeqNo", T::SeqNum},
      {17, "ExecID", T::String},
      {31, "LastPx", T::Price},
      {32, "LastQty", T::Qty},
      {34, "MsgSeqNum", T::SeqNum},
      {35, "MsgType", T::String},
      {36, "NewSeqNo", T::SeqNum},
      {37, "OrderID", T::String},
      {38, "OrderQty", T::Qty},
      {39, "OrdStatus", T::Char},
      {40, "OrdType", T::Char},
      {41, "OrigClOrdID", T::String},
      {43, "PossDupFlag", T::Boolean},
      {44, "Price", T::Price},
      {45, "RefSeqNum", T::SeqNum},
      {49, "SenderCompID", T::String},
      {50, "SenderSubID", T::String},
      {52, "SendingTime", T::UtcTimeStamp},
      {54, "Side", T::Char},
      {55, "Symbol", T::String},
      {56, "TargetCompID", T::String},
      {57, "TargetSubID", T::String},
      {58, "Text", T::String},
      {59, "TimeInForce", T::Char},
      {60, "TransactTime", T::UtcTimeStamp},
      {62, "ValidUntilTime", T::UtcTimeStamp},
      {64, "SettlDate", T::LocalMktDate},
      {89, "Signature", T::Data},
      {90, "SecureDataLen", T::Length},
      {91, "SecureData", T::Data},
      {93, "SignatureLength", T::Length},
      {95, "RawDataLength", T::Length},
      {96, "RawData", T::Data},
      {97, "PossResend", T::Boolean},
      {98, "EncryptMethod", T::Int},
      {102, "CxlRejReason", T::Int},
      {103, "OrdRejReason", T::Int},
      {108, "HeartBtInt", T::Int},
      {112, "TestReqID", T::String},
      {115, "OnBehalfOfCompID", T::String},
      {116, "OnBehalfOfSubID", T::String},
      {117, "QuoteID", T::String},
      {122, "OrigSendingTime", T::UtcTimeStamp},
      {123, "GapFillFlag", T::Boolean},
      {126, "ExpireTime", T::UtcTimeStamp},
      {128, "DeliverToCompID", T::String},
      {129, "DeliverToSubID", T::String},
      {131, "QuoteReqID", T::String},
      {132, "BidPx", T::Price},
      {133, "OfferPx", T::Price},
      {134, "BidSize", T::Qty},
      {135, "OfferSize", T::Qty},
      {141, "ResetSeqNumFlag", T::Boolean},
      {142, "SenderLocationID", T::String},
      {143, "TargetLocationID", T::String},
      {144, "OnBehalfOfLocationID", T::String},
      {145, "DeliverToLocationID", T::String},
      {146, "NoRelatedSym", T::NumInGroup},
      {150, "ExecType", T::Char},
      {151, "LeavesQty", T::Qty},
      {198, "SecondaryOrderID", T::String},
      {212, "XmlDataLen", T::Length},
      {213, "XmlData", T::Data},
      {262, "MDReqID", T::String},
      {263, "SubscriptionRequestType", T::Char},
      {264, "MarketDepth", T::Int},
      {265, "MDUpdateType", T::Int},
      {266, "AggregatedBook", T::Boolean},
      {267, "NoMDEntryTypes", T::NumInGroup},
      {268, "NoMDEntries", T::NumInGroup},
      {269, "MDEntryType", T::Char},
      {270, "MDEntryPx", T::Price},
      {271, "MDEntrySize", T::Qty},
      {273, "MDEntryTime", T::UtcTimeOnly},
      {281, "MDReqRejReason", T::Char},
      {290, "MDEntryPositionNo", T::Int},
      {295, "NoQuoteEntries", T::NumInGroup},
      {297, "QuoteStatus", T::Int},
      {298, "QuoteCancelType", T::Int},
      {347, "MessageEncoding", T::String},
      {369, "LastMsgSeqNumProcessed", T::SeqNum},
      {371, "RefTagID", T::Int},
      {372, "RefMsgType", T::String},
      {381, "GrossTradeAmt", T::Amt},
      {373, "SessionRejectReason", T::Int},
      {379, "BusinessRejectRefID", T::String},
      {380, "BusinessRejectReason", T::Int},
      {383, "MaxMessageSize", T::Length},
      {384, "NoMsgTypes", T::NumInGroup},
      {385, "MsgDirection", T::Char},
      {432, "ExpireDate", T::LocalMktDate},
      {434, "CxlRejResponseTo", T::Char},
      {447, "PartyIDSource", T::Char},
      {448, "PartyID", T::String},
      {452, "PartyRole", T::Int},
      {453, "NoPartyIDs", T::NumInGroup},
      {464, "TestMessageIndicator", T::Boolean},
      {479, "CommCurrency", T::Currency},
      {537, "QuoteType", T::Int},
      {553, "Username", T::String},
      {554, "Password", T::String},
      {627, "NoHops", T::NumInGroup},
      {628, "HopCompID", T::String},
      {629, "HopSendingTime", T::UtcTimeStamp},
      {630, "HopRefID", T::SeqNum},
      {649, "QuoteStatusReqID", T::String},
      {658, "QuoteRequestRejectReason", T::Int},
      {789, "NextExpectedMsgSeqNum", T::SeqNum},
      {kMaxSlippageBps, "MaxSlippageBps", T::String},  // ours (user-defined range): the gateway parses it
  };
  return fields;
}

// Every tag a wrong dictionary could plausibly define: FIX 4.4's range, and the start of
// the user-defined range where ours lives.
const std::vector<int>& candidateTags() {
  static const std::vector<int> tags = [] {
    std::vector<int> t;
    for (int tag = 1; tag < 10000; ++tag) t.push_back(tag);
    for (int tag = 20000; tag <= 20010; ++tag) t.push_back(tag);
    return t;
  }();
  return tags;
}

using Values = std::set<std::string>;

std::set<std::string> range(int from, int to) {
  std::set<std::string> out;
  for (int i = from; i <= to; ++i) out.insert(std::to_string(i));
  return out;
}

std::set<std::string> chars(const std::string& cs) {
  std::set<std::string> out;
  for (char c : cs) out.insert(std::string(1, c));
  return out;
}

Values plus(Values v, std::initializer_list<const char*> more) {
  for (const char* m : more) v.insert(m);
  return v;
}

// Fields with enumerated values, and exactly those values.
const std::map<int, Values>& expectedEnums() {
  static const std::map<int, Values> enums = {
      {13, chars("123456")},
      {35,
       {"0", "1", "2", "3", "4", "5", "8", "9", "A", "D", "F", "G", "H", "R", "S", "V", "W", "Y",
        "Z", "j", "AG", "AI"}},
      {39, chars("0123456789ABCDE")},
      {40, chars("123456789ABCDEFGHIJKLMP")},
      {43, {"Y", "N"}},
      {54, chars("123456789ABCDEFG")},
      {59, chars("01234567")},
      {97, {"Y", "N"}},
      {98, range(0, 6)},
      {102, plus(range(0, 6), {"99"})},  // 7.. are FIX 5.0
      {103, plus(range(0, 15), {"99"})},
      {123, {"Y", "N"}},
      {141, {"Y", "N"}},
      {150, chars("03456789ABCDEFGHI")},
      {263, chars("012")},
      {265, range(0, 1)},
      {266, {"Y", "N"}},
      {269, chars("0123456789ABC")},  // D.. are FIX 4.4 extension packs / FIX 5.0
      {281, chars("0123456789ABC")},  // D (Insufficient credit) is FIX 5.0
      {297, range(0, 15)},  // 16.. are FIX 5.0
      {298, range(1, 4)},   // 5.. are FIX 5.0
      {347, {"ISO-2022-JP", "EUC-JP", "Shift_JIS", "UTF-8"}},
      {373, plus(range(0, 17), {"99"})},
      {380, range(0, 7)},
      {385, {"S", "R"}},
      {434, chars("12")},
      {447, chars("123456789ABCDEFGHI")},
      {452, [] {
         Values v = range(1, 38);
         v.erase("23");
         return v;
       }()},
      {464, {"Y", "N"}},
      {537, range(0, 3)},
      {658, plus(range(1, 10), {"99"})},
  };
  return enums;
}

using FieldList = std::vector<std::pair<int, bool>>;  // tag, required

struct GroupSpec {
  int countTag;
  bool required;
  int delimiter;  // first field of the group
  FieldList fields;
};

struct MessageSpec {
  std::string msgType;
  std::string name;
  FieldList fields;  // body fields, group count tags excluded
  std::vector<GroupSpec> groups;
};

const std::vector<MessageSpec>& expectedMessages() {
  static const std::vector<MessageSpec> messages = {
      {"0", "Heartbeat", {{112, false}}, {}},
      {"1", "TestRequest", {{112, true}}, {}},
      {"2", "ResendRequest", {{7, true}, {16, true}}, {}},
      {"3", "Reject", {{45, true}, {371, false}, {372, false}, {373, false}, {58, false}}, {}},
      {"4", "SequenceReset", {{123, false}, {36, true}}, {}},
      {"5", "Logout", {{58, false}}, {}},
      {"A",
       "Logon",
       {{98, true},
        {108, true},
        {95, false},
        {96, false},
        {141, false},
        {789, false},
        {383, false},
        {464, false},
        {553, false},
        {554, false}},
       {{384, false, 372, {{372, false}, {385, false}}}}},
      {"R",
       "QuoteRequest",
       {{131, true}, {58, false}},
       {{146,
         true,
         55,
         {{55, true},
          {537, false},
          {54, false},
          {38, false},
          {64, false},
          {15, false},
          {1, false},
          {126, false},
          {60, false}}}}},
      {"S",
       "Quote",
       {{131, false},
        {117, true},
        {537, false},
        {55, true},
        {54, false},
        {38, false},
        {132, false},
        {133, false},
        {134, false},
        {135, false},
        {62, false},
        {60, false},
        {15, false},
        {58, false}},
       {}},
      {"Z",
       "QuoteCancel",
       {{131, false}, {117, true}, {298, true}, {1, false}, {58, false}},
       {{295, false, 55, {{55, true}}}}},
      {"AI",
       "QuoteStatusReport",
       {{649, false},
        {131, false},
        {117, true},
        {537, false},
        {55, false},  // optional on purpose (FIX 4.4: Instrument required)
        {54, false},
        {38, false},
        {126, false},
        {132, false},
        {133, false},
        {134, false},
        {135, false},
        {62, false},
        {60, false},
        {297, false},
        {58, false}},
       {}},
      {"AG",
       "QuoteRequestReject",
       {{131, true}, {658, true}, {58, false}},
       {{146, true, 55, {{55, true}, {537, false}, {54, false}, {38, false}}}}},
      {"V",
       "MarketDataRequest",
       {{262, true}, {263, true}, {264, true}, {265, false}, {266, false}},
       {{267, true, 269, {{269, true}}}, {146, true, 55, {{55, true}}}}},
      {"W",
       "MarketDataSnapshotFullRefresh",
       {{262, false}, {55, true}},
       {{268,
         true,
         269,
         {{269, true}, {270, false}, {271, false}, {273, false}, {290, false}}}}},
      {"Y", "MarketDataRequestReject", {{262, true}, {281, false}, {58, false}}, {}},
      {"D",
       "NewOrderSingle",
       {{11, true},
        {1, false},
        {55, true},
        {54, true},
        {60, true},
        {38, false},
        {40, true},
        {44, false},
        {15, false},
        {117, false},
        {59, false},
        {432, false},
        {126, false},
        {kMaxSlippageBps, false},
        {58, false}},
       {}},
      {"F",
       "OrderCancelRequest",
       {{41, true}, {37, false}, {11, true}, {55, false}, {54, true}, {60, true}, {38, false}},
       {}},
      {"G",
       "OrderCancelReplaceRequest",
       {{37, false},
        {41, true},
        {11, true},
        {55, false},
        {54, true},
        {60, true},
        {38, false},
        {40, true},
        {44, false},
        {59, false}},
       {}},
      {"H", "OrderStatusRequest", {{37, false}, {11, true}, {55, false}, {54, true}}, {}},
      {"9",
       "OrderCancelReject",
       {{37, true}, {11, true}, {41, true}, {39, true}, {434, true}, {102, false}, {58, false}},
       {}},
      {"8",
       "ExecutionReport",
       {{37, true},  {198, false}, {11, false}, {41, false}, {17, true},  {150, true},
        {39, true},  {103, false}, {1, false},  {55, true},  {54, true},  {38, false},
        {40, false}, {44, false},  {15, false}, {59, false}, {126, false}, {32, false},
        {31, false}, {151, true},  {14, true},  {6, true},   {60, false},  {12, false},
        {13, false}, {479, false}, {381, false}, {58, false}},
       {{453, false, 448, {{448, false}, {447, false}, {452, false}}}}},
      {"j",
       "BusinessMessageReject",
       {{45, false}, {372, true}, {379, false}, {380, true}, {58, false}},
       {}},
  };
  return messages;
}

const std::set<int>& expectedHeader() {
  static const std::set<int> header = {8,   9,   35,  49,  56,  115, 128, 90,  91,  34,
                                       50,  142, 57,  143, 116, 144, 129, 145, 43,  97,
                                       52,  122, 212, 213, 347, 369, 627};
  return header;
}
const std::set<int> kHeaderRequired = {8, 9, 35, 49, 56, 34, 52, 10};  // 10: trailer
const std::set<int> kTrailer = {93, 89, 10};

// ---------------------------------------------------------------------------
// Helpers.

std::string dictionaryPath() {
  if (const char* p = std::getenv("OTC_FIX44_DICT")) return p;
  return std::string(OTC_SOURCE_DIR) + "/fix-specs/FIX44.xml";
}

// The file itself, for what QuickFIX reads but does not keep.
const std::string& dictionaryText() {
  static const std::string xml = [] {
    std::ifstream in(dictionaryPath());
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }();
  return xml;
}

// name -> "Y"/"N" of the fields written in <group name="group"> of
// <message name="message">, as the file has them.
std::map<std::string, std::string> groupFlagsInFile(const std::string& message,
                                                    const std::string& group) {
  std::map<std::string, std::string> flags;
  const std::string& xml = dictionaryText();
  const auto m = xml.find("<message name=\"" + message + "\"");
  if (m == std::string::npos) return flags;
  const auto mEnd = xml.find("</message>", m);
  const auto g = xml.find("<group name=\"" + group + "\"", m);
  if (g == std::string::npos || g > mEnd) return flags;
  const std::string block = xml.substr(g, xml.find("</group>", g) - g);
  const std::regex field("<field name=\"([A-Za-z]+)\" required=\"([YN])\"");
  for (std::sregex_iterator it(block.begin(), block.end(), field), end; it != end; ++it)
    flags[(*it)[1]] = (*it)[2];
  return flags;
}

const FIX::DataDictionary& dict() {
  static const std::unique_ptr<FIX::DataDictionary> dd(new FIX::DataDictionary(dictionaryPath()));
  return *dd;
}

const char SOH = '\x01';

// Standard header of every sample: the gateway talking to one client.
template <class M>
M stamped(M m, int seq = 2) {
  FIX::Header& h = m.getHeader();
  h.setField(FIX::SenderCompID("OTCGW"));
  h.setField(FIX::TargetCompID("CLIENT1"));
  h.setField(FIX::MsgSeqNum(seq));
  h.setField(FIX::FIELD::SendingTime, "20240611-09:30:00.123");
  return m;
}

// What a session does with incoming bytes: parse with the dictionary (which
// checks BodyLength and CheckSum and splits the groups), then validate.
FIX::Message receive(const std::string& wire) {
  FIX::Message parsed(wire, dict(), true);
  FIX::DataDictionary::validate(parsed, &dict(), &dict());
  return parsed;
}

// Serialise a message built in memory, then receive it.
FIX::Message roundTrip(FIX::Message m) { return receive(m.toString()); }

// A wire message from tag=value pairs of the body (in the order given),
// with the standard header, BodyLength and CheckSum computed.
std::string wire(const std::string& msgType, const std::vector<std::pair<int, std::string>>& body,
                 bool withSender = true) {
  std::string b = "35=" + msgType + SOH;
  if (withSender) b += std::string("49=CLIENT1") + SOH;
  b += std::string("56=OTCGW") + SOH + "34=2" + SOH + "52=20240611-09:30:00.123" + SOH;
  for (const auto& f : body) b += std::to_string(f.first) + "=" + f.second + SOH;
  std::string out = std::string("8=FIX.4.4") + SOH + "9=" + std::to_string(b.size()) + SOH + b;
  unsigned sum = 0;
  for (unsigned char c : out) sum += c;
  char cs[4];
  std::snprintf(cs, sizeof cs, "%03u", sum % 256);
  return out + "10=" + cs + SOH;
}

// Runs f, requires it to throw E, returns E's field.
template <class E>
int refusedTag(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.field;
  } catch (const std::exception& e) {
    FAIL("refused for another reason: " << e.what());
  }
  FAIL("the message was accepted");
  return -1;
}

// A valid ExecutionReport (fill), to be broken by the tests.
FIX44::ExecutionReport fill() {
  FIX44::ExecutionReport er;
  er.setField(FIX::OrderID("ORD-1"));
  er.setField(FIX::SecondaryOrderID("VENUE-9"));
  er.setField(FIX::ClOrdID("CL-1"));
  er.setField(FIX::OrigClOrdID("CL-0"));
  er.setField(FIX::ExecID("EX-1"));
  er.setField(FIX::ExecType('F'));
  er.setField(FIX::OrdStatus('2'));
  er.setField(FIX::Account("ACC-1"));
  er.setField(FIX::Symbol("BTC-USD"));
  er.setField(FIX::Side('1'));
  er.setField(FIX::FIELD::OrderQty, "2.5");
  er.setField(FIX::OrdType('D'));
  er.setField(FIX::FIELD::Price, "65010.75");
  er.setField(FIX::TimeInForce('6'));
  er.setField(FIX::FIELD::ExpireTime, "20240611-17:00:00.000");
  er.setField(FIX::FIELD::LastQty, "2.5");
  er.setField(FIX::FIELD::LastPx, "65010.75");
  er.setField(FIX::FIELD::LeavesQty, "0");
  er.setField(FIX::FIELD::CumQty, "2.5");
  er.setField(FIX::FIELD::AvgPx, "65010.75");
  er.setField(FIX::FIELD::TransactTime, "20240611-09:30:00.120");
  er.setField(FIX::Currency("USD"));
  er.setField(FIX::Text("filled"));
  FIX44::ExecutionReport::NoPartyIDs party;
  party.setField(FIX::PartyID("OTCDESK"));
  party.setField(FIX::PartyIDSource('D'));
  party.setField(FIX::PartyRole(1));
  er.addGroup(party);
  party.setField(FIX::PartyID("CLIENT1"));
  party.setField(FIX::PartyRole(3));
  er.addGroup(party);
  return stamped(er);
}

// A valid NewOrderSingle against a quote, to be broken by the tests.
FIX44::NewOrderSingle order() {
  FIX44::NewOrderSingle nos;
  nos.setField(FIX::ClOrdID("CL-1"));
  nos.setField(FIX::Account("ACC-1"));
  nos.setField(FIX::Symbol("BTC-USD"));
  nos.setField(FIX::Side('1'));
  nos.setField(FIX::FIELD::TransactTime, "20240611-09:30:00.100");
  nos.setField(FIX::FIELD::OrderQty, "2.5");
  nos.setField(FIX::OrdType('D'));
  nos.setField(FIX::FIELD::Price, "65010.75");
  nos.setField(FIX::QuoteID("Q-1"));
  nos.setField(FIX::TimeInForce('4'));
  nos.setField(FIX::Currency("USD"));
  nos.setField(FIX::Text("lift"));
  return stamped(nos);
}

// A valid OrderCancelRequest with every field, to be broken by the tests.
FIX44::OrderCancelRequest cancelRequest() {
  FIX44::OrderCancelRequest f;
  f.setField(FIX::OrigClOrdID("CL-1"));
  f.setField(FIX::OrderID("O-1"));
  f.setField(FIX::ClOrdID("CL-2"));
  f.setField(FIX::Symbol("BTC-USD"));
  f.setField(FIX::Side('1'));
  f.setField(FIX::FIELD::TransactTime, "20240611-09:30:01.000");
  f.setField(FIX::FIELD::OrderQty, "2.5");
  return stamped(f);
}

// A valid OrderCancelReplaceRequest with every field, to be broken by the tests.
FIX44::OrderCancelReplaceRequest replaceRequest() {
  FIX44::OrderCancelReplaceRequest g;
  g.setField(FIX::OrderID("O-1"));
  g.setField(FIX::OrigClOrdID("CL-1"));
  g.setField(FIX::ClOrdID("CL-3"));
  g.setField(FIX::Symbol("BTC-USD"));
  g.setField(FIX::Side('1'));
  g.setField(FIX::FIELD::TransactTime, "20240611-09:30:02.000");
  g.setField(FIX::FIELD::OrderQty, "3.125");
  g.setField(FIX::OrdType('2'));
  g.setField(FIX::FIELD::Price, "64990.05");
  g.setField(FIX::TimeInForce('1'));
  return stamped(g);
}

// A valid OrderStatusRequest with every field.
FIX44::OrderStatusRequest statusRequest() {
  FIX44::OrderStatusRequest h;
  h.setField(FIX::OrderID("O-1"));
  h.setField(FIX::ClOrdID("CL-1"));
  h.setField(FIX::Symbol("BTC-USD"));
  h.setField(FIX::Side('1'));
  return stamped(h);
}

// An OrderCancelReject as the gateway sends it (FixApp::send_cancel_reject).
FIX44::OrderCancelReject cancelReject() {
  FIX44::OrderCancelReject r;
  r.setField(FIX::OrderID("O-1"));
  r.setField(FIX::ClOrdID("CL-2"));
  r.setField(FIX::OrigClOrdID("CL-1"));
  r.setField(FIX::OrdStatus('2'));
  r.setField(FIX::CxlRejResponseTo('1'));
  r.setField(FIX::CxlRejReason(0));
  r.setField(FIX::Text("5002 order_not_open: order O-1 is filled"));
  return stamped(r);
}

FIX44::QuoteRequest quoteRequest() {
  FIX44::QuoteRequest qr;
  qr.setField(FIX::QuoteReqID("QR-1"));
  FIX44::QuoteRequest::NoRelatedSym sym;
  sym.setField(FIX::Symbol("BTC-USD"));
  sym.setField(FIX::QuoteType(1));
  sym.setField(FIX::Side('1'));
  sym.setField(FIX::FIELD::OrderQty, "2.5");
  sym.setField(FIX::FIELD::SettlDate, "20240613");
  sym.setField(FIX::Currency("USD"));
  sym.setField(FIX::Account("ACC-1"));
  sym.setField(FIX::FIELD::ExpireTime, "20240611-09:31:00.000");
  sym.setField(FIX::FIELD::TransactTime, "20240611-09:30:00.000");
  qr.addGroup(sym);
  qr.setField(FIX::Text("rfq"));
  return stamped(qr);
}

// A valid QuoteCancel of one quote, with every field, to be broken by the tests.
FIX44::QuoteCancel quoteCancel() {
  FIX44::QuoteCancel qc(FIX::QuoteID("Q-1"), FIX::QuoteCancelType(1));
  qc.setField(FIX::QuoteReqID("QR-1"));
  qc.setField(FIX::Account("ACC-1"));
  FIX44::QuoteCancel::NoQuoteEntries entry;
  entry.setField(FIX::Symbol("BTC-USD"));
  qc.addGroup(entry);
  qc.setField(FIX::Text("client withdraws"));
  return stamped(qc);
}

// A QuoteStatusReport as the gateway sends it (FixApp::send_quote_status): a
// generic message with QuoteID, QuoteStatus and Text only, no instrument.
FIX::Message gatewayQuoteStatus(const std::string& quoteId, const std::string& status) {
  FIX::Message m;
  m.getHeader().setField(FIX::BeginString("FIX.4.4"));
  m.getHeader().setField(FIX::MsgType("AI"));
  m.setField(FIX::QuoteID(quoteId));
  m.setField(FIX::FIELD::QuoteStatus, status);
  m.setField(FIX::Text("3001 unknown_quote"));
  return stamped(m);
}

// A valid MarketDataRequest: subscribes BTC-USD and ETH-USD to bid and offer,
// to be broken by the tests.
FIX44::MarketDataRequest marketDataRequest() {
  FIX44::MarketDataRequest md;
  md.setField(FIX::MDReqID("MD-1"));
  md.setField(FIX::SubscriptionRequestType('1'));
  md.setField(FIX::MarketDepth(3));
  md.setField(FIX::MDUpdateType(0));
  md.setField(FIX::AggregatedBook(true));
  FIX44::MarketDataRequest::NoMDEntryTypes type;
  type.setField(FIX::MDEntryType('0'));
  md.addGroup(type);
  type.setField(FIX::MDEntryType('1'));
  md.addGroup(type);
  FIX44::MarketDataRequest::NoRelatedSym sym;
  sym.setField(FIX::Symbol("BTC-USD"));
  md.addGroup(sym);
  sym.setField(FIX::Symbol("ETH-USD"));
  md.addGroup(sym);
  return stamped(md);
}

// A valid MarketDataSnapshotFullRefresh: three bids and three offers, levels
// 1..3, to be broken by the tests.
FIX44::MarketDataSnapshotFullRefresh snapshot() {
  FIX44::MarketDataSnapshotFullRefresh w;
  w.setField(FIX::MDReqID("MD-1"));
  w.setField(FIX::Symbol("BTC-USD"));
  const struct {
    char type;
    const char* px;
    const char* size;
    int level;
  } book[] = {{'0', "65000.25", "1.5", 1}, {'0', "64999.5", "2", 2}, {'0', "64998", "5.125", 3},
              {'1', "65010.75", "1.5", 1}, {'1', "65011.5", "2", 2}, {'1', "65013", "5.125", 3}};
  for (const auto& e : book) {
    FIX44::MarketDataSnapshotFullRefresh::NoMDEntries entry;
    entry.setField(FIX::MDEntryType(e.type));
    entry.setField(FIX::FIELD::MDEntryPx, e.px);
    entry.setField(FIX::FIELD::MDEntrySize, e.size);
    entry.setField(FIX::FIELD::MDEntryTime, "09:30:00.123");
    entry.setField(FIX::MDEntryPositionNo(e.level));
    w.addGroup(entry);
  }
  return stamped(w);
}

// A MarketDataRequestReject, with or without a reason.
FIX44::MarketDataRequestReject mdReject(const char* reason) {
  FIX44::MarketDataRequestReject rj(FIX::MDReqID("MD-1"));
  if (reason != nullptr) rj.setField(FIX::FIELD::MDReqRejReason, reason);
  rj.setField(FIX::Text("unknown symbol"));
  return stamped(rj);
}

}  // namespace

// ---------------------------------------------------------------------------
// Content.

TEST_CASE("the dictionary loads as FIX.4.4", "[dictionary]") {
  INFO("dictionary: " << dictionaryPath());
  REQUIRE_NOTHROW(dict());
  CHECK(dict().getVersion() == "FIX.4.4");
}

TEST_CASE("fields: exactly the expected numbers, names and types", "[dictionary]") {
  const FIX::DataDictionary& dd = dict();
  std::set<int> expected;
  for (const FieldSpec& f : expectedFields()) {
    INFO("field " << f.tag << " " << f.name);
    expected.insert(f.tag);
    REQUIRE(dd.isField(f.tag));
    std::string name;
    CHECK(dd.getFieldName(f.tag, name));
    CHECK(name == f.name);
    int tag = 0;
    CHECK(dd.getFieldTag(f.name, tag));
    CHECK(tag == f.tag);
    T type = T::Unknown;
    CHECK(dd.getFieldType(f.tag, type));
    CHECK(type == f.type);
  }
  for (int tag : candidateTags()) {
    INFO("tag " << tag);
    CHECK(dd.isField(tag) == (expected.count(tag) == 1));
  }
}

TEST_CASE("enumerated fields: exactly the FIX 4.4 values", "[dictionary]") {
  const FIX::DataDictionary& dd = dict();
  // Every candidate a wrong dictionary could plausibly hold.
  std::set<std::string> candidates = range(0, 200);
  const std::string alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (char a : alnum) {
    candidates.insert(std::string(1, a));
    for (char b : alnum) candidates.insert(std::string(1, a) + b);
  }
  for (const auto& e : expectedEnums())
    for (const std::string& v : e.second) candidates.insert(v);

  for (const FieldSpec& f : expectedFields()) {
    INFO("field " << f.tag << " " << f.name);
    auto e = expectedEnums().find(f.tag);
    if (e == expectedEnums().end()) {
      CHECK_FALSE(dd.hasFieldValue(f.tag));
      continue;
    }
    REQUIRE(dd.hasFieldValue(f.tag));
    for (const std::string& v : candidates) {
      INFO("value '" << v << "'");
      CHECK(dd.isFieldValue(f.tag, v) == (e->second.count(v) == 1));
    }
  }
}

TEST_CASE("messages: exactly the expected types, fields, groups and required flags",
          "[dictionary]") {
  const FIX::DataDictionary& dd = dict();
  std::set<std::string> types;
  for (const MessageSpec& m : expectedMessages()) types.insert(m.msgType);
  const std::string alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (char a : alnum) {
    for (const std::string& t :
         {std::string(1, a), std::string(1, a) + "A", std::string(1, a) + "B",
          std::string(1, a) + "G", std::string(1, a) + "I", std::string("A") + a}) {
      INFO("MsgType " << t);
      CHECK(dd.isMsgType(t) == (types.count(t) == 1));
    }
  }

  for (const MessageSpec& m : expectedMessages()) {
    INFO("message " << m.name << " (" << m.msgType << ")");
    REQUIRE(dd.isMsgType(m.msgType));
    std::string name;
    CHECK(dd.getValueName(FIX::FIELD::MsgType, m.msgType, name));
    CHECK(name == m.name);

    std::map<int, bool> body(m.fields.begin(), m.fields.end());
    for (const GroupSpec& g : m.groups) body[g.countTag] = g.required;
    for (int tag : candidateTags()) {
      if (!dd.isField(tag)) continue;
      INFO("tag " << tag);
      auto it = body.find(tag);
      CHECK(dd.isMsgField(m.msgType, tag) == (it != body.end()));
      CHECK(dd.isRequiredField(m.msgType, tag) == (it != body.end() && it->second));
    }

    for (int tag : candidateTags()) {
      if (!dd.isField(tag) || body.count(tag) == 0) continue;
      bool expectGroup = false;
      for (const GroupSpec& g : m.groups) expectGroup = expectGroup || g.countTag == tag;
      INFO("tag " << tag);
      CHECK(dd.isGroup(m.msgType, tag) == expectGroup);
    }

    for (const GroupSpec& g : m.groups) {
      INFO("group " << g.countTag);
      int delim = 0;
      const FIX::DataDictionary* gdd = nullptr;
      REQUIRE(dd.getGroup(m.msgType, g.countTag, delim, gdd));
      REQUIRE(gdd != nullptr);
      CHECK(delim == g.delimiter);
      std::map<int, bool> members(g.fields.begin(), g.fields.end());
      // QuickFIX 1.15.1 (DataDictionary::addXMLGroup) loads a member's
      // required flag only when the group itself is required: in an optional
      // group (QuoteCancel's NoQuoteEntries) the flags are checked in the file.
      for (int tag : candidateTags()) {
        INFO("tag " << tag);
        auto it = members.find(tag);
        CHECK(gdd->isField(tag) == (it != members.end()));
        CHECK(gdd->isRequiredField(m.msgType, tag) ==
              (it != members.end() && it->second && g.required));
      }
      std::string groupName;
      REQUIRE(dd.getFieldName(g.countTag, groupName));
      const std::map<std::string, std::string> inFile = groupFlagsInFile(m.name, groupName);
      CHECK(inFile.size() == members.size());
      for (const auto& member : members) {
        std::string name;
        REQUIRE(dd.getFieldName(member.first, name));
        INFO("group member " << name << " in the file");
        REQUIRE(inFile.count(name) == 1);
        CHECK(inFile.at(name) == (member.second ? "Y" : "N"));
      }
    }
  }
}

TEST_CASE("header and trailer: exactly the FIX 4.4 standard ones", "[dictionary]") {
  const FIX::DataDictionary& dd = dict();
  for (int tag : candidateTags()) {
    if (!dd.isField(tag)) continue;
    INFO("tag " << tag);
    CHECK(dd.isHeaderField(tag) == (expectedHeader().count(tag) == 1));
    CHECK(dd.isTrailerField(tag) == (kTrailer.count(tag) == 1));
  }
  int delim = 0;
  const FIX::DataDictionary* gdd = nullptr;
  REQUIRE(dd.getGroup("_header_", FIX::FIELD::NoHops, delim, gdd));
  CHECK(delim == FIX::FIELD::HopCompID);
  CHECK(gdd->isField(FIX::FIELD::HopSendingTime));
  CHECK(gdd->isField(FIX::FIELD::HopRefID));

  // QuickFIX does not enforce required flags in <header>/<trailer> (see the
  // "[limits]" test), so check the flags written in the file itself.
  std::ifstream in(dictionaryPath());
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::map<std::string, std::string> flags;
  for (const char* section : {"header", "trailer"}) {
    const auto from = xml.find(std::string("<") + section + ">");
    const auto to = xml.find(std::string("</") + section + ">");
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    const std::string block = xml.substr(from, to - from);
    const std::regex field("<(?:field|group) name=\"([A-Za-z]+)\" required=\"([YN])\"");
    for (std::sregex_iterator it(block.begin(), block.end(), field), end; it != end; ++it)
      flags[(*it)[1]] = (*it)[2];
  }
  std::set<int> declared = expectedHeader();
  declared.insert(kTrailer.begin(), kTrailer.end());
  declared.insert({628, 629, 630});  // NoHops members
  CHECK(flags.size() == declared.size());
  for (int tag : declared) {
    std::string name;
    REQUIRE(dd.getFieldName(tag, name));
    INFO("header/trailer field " << name);
    REQUIRE(flags.count(name) == 1);
    CHECK(flags[name] == (kHeaderRequired.count(tag) ? "Y" : "N"));
  }
}

// ---------------------------------------------------------------------------
// Valid messages of every type.

TEST_CASE("session messages validate", "[dictionary][valid]") {
  SECTION("Logon with every field, RawData holding SOH and '='") {
    FIX44::Logon logon(FIX::EncryptMethod(0), FIX::HeartBtInt(30));
    const std::string raw = std::string("a") + SOH + "b=c";
    logon.setField(FIX::RawDataLength(static_cast<int>(raw.size())));
    logon.setField(FIX::RawData(raw));
    logon.setField(FIX::ResetSeqNumFlag(true));
    logon.setField(FIX::NextExpectedMsgSeqNum(1));
    logon.setField(FIX::MaxMessageSize(65536));
    FIX44::Logon::NoMsgTypes mt;
    mt.setField(FIX::RefMsgType("R"));
    mt.setField(FIX::MsgDirection('R'));
    logon.addGroup(mt);
    logon.setField(FIX::TestMessageIndicator(false));
    logon.setField(FIX::Username("client1"));
    logon.setField(FIX::Password("s3cret"));
    FIX::Message got = roundTrip(stamped(logon, 1));
    CHECK(got.getField(FIX::FIELD::RawData) == raw);
    CHECK(got.getField(FIX::FIELD::ResetSeqNumFlag) == "Y");
    CHECK(got.getField(FIX::FIELD::TestMessageIndicator) == "N");
    CHECK(got.groupCount(FIX::FIELD::NoMsgTypes) == 1);
  }
  SECTION("Logon with the required fields only") {
    CHECK_NOTHROW(roundTrip(stamped(FIX44::Logon(FIX::EncryptMethod(0), FIX::HeartBtInt(30)), 1)));
  }
  SECTION("Heartbeat, with and without TestReqID") {
    CHECK_NOTHROW(roundTrip(stamped(FIX44::Heartbeat())));
    FIX44::Heartbeat hb;
    hb.setField(FIX::TestReqID("T-1"));
    CHECK_NOTHROW(roundTrip(stamped(hb)));
  }
  SECTION("TestRequest") {
    CHECK_NOTHROW(roundTrip(stamped(FIX44::TestRequest(FIX::TestReqID("T-1")))));
  }
  SECTION("ResendRequest") {
    CHECK_NOTHROW(roundTrip(stamped(FIX44::ResendRequest(FIX::BeginSeqNo(1), FIX::EndSeqNo(0)))));
  }
  SECTION("Reject, for every 4.4 SessionRejectReason") {
    for (const std::string& reason : expectedEnums().at(FIX::FIELD::SessionRejectReason)) {
      INFO("373=" << reason);
      FIX44::Reject rj(FIX::RefSeqNum(7));
      rj.setField(FIX::RefTagID(117));
      rj.setField(FIX::RefMsgType("8"));
      rj.setField(FIX::FIELD::SessionRejectReason, reason);
      rj.setField(FIX::Text("Tag not defined for this message type"));
      CHECK_NOTHROW(roundTrip(stamped(rj)));
    }
  }
  SECTION("SequenceReset, gap fill and reset") {
    FIX44::SequenceReset gap(FIX::NewSeqNo(10));
    gap.setField(FIX::GapFillFlag(true));
    gap.getHeader().setField(FIX::PossDupFlag(true));
    gap.getHeader().setField(FIX::FIELD::OrigSendingTime, "20240611-09:29:00.000");
    CHECK_NOTHROW(roundTrip(stamped(gap)));
    CHECK_NOTHROW(roundTrip(stamped(FIX44::SequenceReset(FIX::NewSeqNo(10)))));
  }
  SECTION("Logout") {
    FIX44::Logout lo;
    lo.setField(FIX::Text("bye"));
    CHECK_NOTHROW(roundTrip(stamped(lo)));
  }
  SECTION("every optional header field, and the NoHops group") {
    FIX44::Heartbeat hb = stamped(FIX44::Heartbeat());
    FIX::Header& h = hb.getHeader();
    h.setField(FIX::OnBehalfOfCompID("DESK"));
    h.setField(FIX::OnBehalfOfSubID("TRADER1"));
    h.setField(FIX::OnBehalfOfLocationID("LDN"));
    h.setField(FIX::DeliverToCompID("CLIENT1"));
    h.setField(FIX::DeliverToSubID("BOOK"));
    h.setField(FIX::DeliverToLocationID("NYC"));
    h.setField(FIX::SenderSubID("GW1"));
    h.setField(FIX::SenderLocationID("LDN"));
    h.setField(FIX::TargetSubID("T1"));
    h.setField(FIX::TargetLocationID("NYC"));
    h.setField(FIX::PossDupFlag(false));
    h.setField(FIX::PossResend(false));
    h.setField(FIX::FIELD::OrigSendingTime, "20240611-09:29:00");
    h.setField(FIX::MessageEncoding("UTF-8"));
    h.setField(FIX::LastMsgSeqNumProcessed(1));
    FIX44::Header::NoHops hop;
    hop.setField(FIX::HopCompID("HUB"));
    hop.setField(FIX::FIELD::HopSendingTime, "20240611-09:30:00.100");
    hop.setField(FIX::HopRefID(41));
    h.addGroup(hop);
    FIX::Message got = roundTrip(hb);
    CHECK(got.getHeader().getField(FIX::FIELD::OnBehalfOfCompID) == "DESK");
    CHECK(got.getHeader().groupCount(FIX::FIELD::NoHops) == 1);
  }
}

TEST_CASE("application messages validate and keep decimals exact", "[dictionary][valid]") {
  SECTION("QuoteRequest with two instruments") {
    FIX44::QuoteRequest qr = quoteRequest();
    FIX44::QuoteRequest::NoRelatedSym second;
    second.setField(FIX::Symbol("ETH-USD"));
    second.setField(FIX::FIELD::OrderQty, "10.125");
    qr.addGroup(second);
    FIX::Message got = roundTrip(qr);
    REQUIRE(got.groupCount(FIX::FIELD::NoRelatedSym) == 2);
    CHECK(got.getGroupRef(1, FIX::FIELD::NoRelatedSym).getField(FIX::FIELD::OrderQty) == "2.5");
    CHECK(got.getGroupRef(2, FIX::FIELD::NoRelatedSym).getField(FIX::FIELD::Symbol) == "ETH-USD");
    CHECK(got.getGroupRef(2, FIX::FIELD::NoRelatedSym).getField(FIX::FIELD::OrderQty) ==
          "10.125");
  }
  SECTION("Quote, two-way") {
    FIX44::Quote q;
    q.setField(FIX::QuoteReqID("QR-1"));
    q.setField(FIX::QuoteID("Q-1"));
    q.setField(FIX::QuoteType(1));
    q.setField(FIX::Symbol("BTC-USD"));
    q.setField(FIX::Side('1'));
    q.setField(FIX::FIELD::OrderQty, "2.5");
    q.setField(FIX::FIELD::BidPx, "65000.25");
    q.setField(FIX::FIELD::OfferPx, "65010.75");
    q.setField(FIX::FIELD::BidSize, "2.5");
    q.setField(FIX::FIELD::OfferSize, "2.5");
    q.setField(FIX::FIELD::ValidUntilTime, "20240611-09:30:05.000");
    q.setField(FIX::FIELD::TransactTime, "20240611-09:30:00.000");
    q.setField(FIX::Currency("USD"));
    q.setField(FIX::Text("firm"));
    FIX::Message got = roundTrip(stamped(q));
    CHECK(got.getField(FIX::FIELD::BidPx) == "65000.25");
    CHECK(got.getField(FIX::FIELD::OfferPx) == "65010.75");
    CHECK(got.getField(FIX::FIELD::ValidUntilTime) == "20240611-09:30:05.000");
  }
  SECTION("Quote, indicative (QuoteType 0), as the gateway sends it") {
    FIX44::Quote q;
    q.setField(FIX::QuoteID("Q-2"));
    q.setField(FIX::QuoteReqID("QR-2"));
    q.setField(FIX::FIELD::QuoteType, "0");
    q.setField(FIX::Symbol("ETH-USD"));
    q.setField(FIX::Side('1'));
    q.setField(FIX::FIELD::OrderQty, "2");
    q.setField(FIX::FIELD::OfferPx, "3500.5");
    q.setField(FIX::FIELD::OfferSize, "2");
    q.setField(FIX::FIELD::ValidUntilTime, "20240611-09:30:05.000");
    q.setField(FIX::FIELD::TransactTime, "20240611-09:30:00.000");
    FIX::Message got = roundTrip(stamped(q));
    CHECK(got.getField(FIX::FIELD::QuoteType) == "0");
  }
  SECTION("Quote, every 4.4 QuoteType") {
    for (const std::string& type : expectedEnums().at(FIX::FIELD::QuoteType)) {
      INFO("537=" << type);
      FIX44::Quote q;
      q.setField(FIX::QuoteID("Q-1"));
      q.setField(FIX::Symbol("BTC-USD"));
      q.setField(FIX::FIELD::QuoteType, type);
      CHECK_NOTHROW(roundTrip(stamped(q)));
    }
  }
  SECTION("QuoteRequest with ExpireTime in NoRelatedSym") {
    FIX::Message got = roundTrip(quoteRequest());
    REQUIRE(got.groupCount(FIX::FIELD::NoRelatedSym) == 1);
    CHECK(got.getGroupRef(1, FIX::FIELD::NoRelatedSym).getField(FIX::FIELD::ExpireTime) ==
          "20240611-09:31:00.000");
  }
  SECTION("QuoteCancel of one quote, every field, two instruments") {
    FIX44::QuoteCancel qc = quoteCancel();
    FIX44::QuoteCancel::NoQuoteEntries second;
    second.setField(FIX::Symbol("ETH-USD"));
    qc.addGroup(second);
    FIX::Message got = roundTrip(qc);
    CHECK(got.getField(FIX::FIELD::QuoteCancelType) == "1");
    CHECK(got.getField(FIX::FIELD::Text) == "client withdraws");
    REQUIRE(got.groupCount(FIX::FIELD::NoQuoteEntries) == 2);
    CHECK(got.getGroupRef(2, FIX::FIELD::NoQuoteEntries).getField(FIX::FIELD::Symbol) ==
          "ETH-USD");
  }
  SECTION("QuoteCancel as a client writes it: one quote, and cancel-all") {
    CHECK_NOTHROW(receive(wire("Z", {{298, "1"}, {117, "Q-1"}})));
    CHECK_NOTHROW(receive(wire("Z", {{117, "*"}, {298, "4"}})));
  }
  SECTION("QuoteCancel, every 4.4 QuoteCancelType") {
    for (const std::string& type : expectedEnums().at(FIX::FIELD::QuoteCancelType)) {
      INFO("298=" << type);
      FIX44::QuoteCancel qc = quoteCancel();
      qc.setField(FIX::FIELD::QuoteCancelType, type);
      CHECK_NOTHROW(roundTrip(qc));
    }
  }
  SECTION("QuoteStatusReport with every field") {
    FIX44::QuoteStatusReport st(FIX::QuoteID("Q-1"));
    st.setField(FIX::QuoteStatusReqID("QS-1"));
    st.setField(FIX::QuoteReqID("QR-1"));
    st.setField(FIX::QuoteType(1));
    st.setField(FIX::Symbol("BTC-USD"));
    st.setField(FIX::Side('1'));
    st.setField(FIX::FIELD::OrderQty, "2.5");
    st.setField(FIX::FIELD::ExpireTime, "20240611-09:31:00.000");
    st.setField(FIX::FIELD::BidPx, "65000.25");
    st.setField(FIX::FIELD::OfferPx, "65010.75");
    st.setField(FIX::FIELD::BidSize, "2.5");
    st.setField(FIX::FIELD::OfferSize, "2.5");
    st.setField(FIX::FIELD::ValidUntilTime, "20240611-09:30:05.000");
    st.setField(FIX::FIELD::TransactTime, "20240611-09:30:01.000");
    st.setField(FIX::QuoteStatus(1));
    st.setField(FIX::Text("canceled"));
    FIX::Message got = roundTrip(stamped(st));
    CHECK(got.getField(FIX::FIELD::OfferPx) == "65010.75");
    CHECK(got.getField(FIX::FIELD::QuoteStatus) == "1");
  }
  SECTION("QuoteStatusReport as the gateway sends it, for every 4.4 QuoteStatus") {
    // No Symbol: optional on AI in our dictionary, on purpose.
    for (const std::string& status : expectedEnums().at(FIX::FIELD::QuoteStatus)) {
      INFO("297=" << status);
      CHECK_NOTHROW(roundTrip(gatewayQuoteStatus("Q-1", status)));
    }
    FIX::Message all = roundTrip(gatewayQuoteStatus("*", "4"));  // answer to a cancel-all
    CHECK(all.getField(FIX::FIELD::QuoteID) == "*");
    CHECK_FALSE(all.isSetField(FIX::FIELD::Symbol));
  }
  SECTION("QuoteRequestReject, for every 4.4 QuoteRequestRejectReason") {
    for (const std::string& reason : expectedEnums().at(FIX::FIELD::QuoteRequestRejectReason)) {
      INFO("658=" << reason);
      FIX44::QuoteRequestReject rj;
      rj.setField(FIX::QuoteReqID("QR-1"));
      rj.setField(FIX::FIELD::QuoteRequestRejectReason, reason);
      FIX44::QuoteRequestReject::NoRelatedSym sym;
      sym.setField(FIX::Symbol("BTC-USD"));
      sym.setField(FIX::QuoteType(1));
      sym.setField(FIX::Side('2'));
      sym.setField(FIX::FIELD::OrderQty, "2.5");
      rj.addGroup(sym);
      rj.setField(FIX::Text("no liquidity"));
      CHECK_NOTHROW(roundTrip(stamped(rj)));
    }
  }
  SECTION("NewOrderSingle: previously quoted, limit GTD, market") {
    FIX::Message got = roundTrip(order());
    CHECK(got.getField(FIX::FIELD::Price) == "65010.75");
    CHECK(got.getField(FIX::FIELD::OrderQty) == "2.5");

    FIX44::NewOrderSingle gtd = order();
    gtd.setField(FIX::OrdType('2'));
    gtd.removeField(FIX::FIELD::QuoteID);
    gtd.setField(FIX::TimeInForce('6'));
    gtd.setField(FIX::FIELD::ExpireDate, "20240612");
    CHECK_NOTHROW(roundTrip(gtd));
    gtd.removeField(FIX::FIELD::ExpireDate);
    gtd.setField(FIX::FIELD::ExpireTime, "20240611-17:00:00");
    CHECK_NOTHROW(roundTrip(gtd));

    FIX44::NewOrderSingle market = order();
    market.setField(FIX::OrdType('1'));
    market.removeField(FIX::FIELD::Price);
    market.removeField(FIX::FIELD::QuoteID);
    market.setField(FIX::TimeInForce('3'));
    CHECK_NOTHROW(roundTrip(market));
    market.setField(kMaxSlippageBps, "2.50");
    FIX::Message got_market = roundTrip(market);
    CHECK(got_market.getField(kMaxSlippageBps) == "2.50");  // exact text, never a double
  }
  SECTION("NewOrderSingle: every TimeInForce of FIX 4.4") {
    for (const std::string& tif : expectedEnums().at(FIX::FIELD::TimeInForce)) {
      INFO("59=" << tif);
      FIX44::NewOrderSingle nos = order();
      nos.setField(FIX::FIELD::TimeInForce, tif);
      CHECK_NOTHROW(roundTrip(nos));
    }
  }
  SECTION("NewOrderSingle: market and limit orders as a client writes them") {
    CHECK_NOTHROW(receive(wire("D", {{11, "CL-10"},
                                     {55, "BTC-USD"},
                                     {54, "1"},
                                     {60, "20240611-09:30:00"},
                                     {38, "0.5"},
                                     {40, "1"},
                                     {59, "4"},
                                     {20001, "25"}})));
    CHECK_NOTHROW(receive(wire("D", {{11, "CL-11"},
                                     {55, "BTC-USD"},
                                     {54, "2"},
                                     {60, "20240611-09:30:00"},
                                     {38, "0.5"},
                                     {40, "2"},
                                     {44, "65100"},
                                     {59, "6"},
                                     {432, "20240612"}})));
  }
  SECTION("OrderCancelRequest: every field, and the required ones only") {
    FIX::Message got = roundTrip(cancelRequest());
    CHECK(got.getField(FIX::FIELD::OrigClOrdID) == "CL-1");
    CHECK(got.getField(FIX::FIELD::OrderQty) == "2.5");
    CHECK_NOTHROW(receive(wire("F", {{41, "CL-1"}, {11, "CL-2"}, {54, "2"}, {60, "20240611-09:30:00"}})));
  }
  SECTION("OrderCancelReplaceRequest: every field, and the required ones only") {
    FIX::Message got = roundTrip(replaceRequest());
    CHECK(got.getField(FIX::FIELD::Price) == "64990.05");
    CHECK(got.getField(FIX::FIELD::OrderQty) == "3.125");
    CHECK(got.getField(FIX::FIELD::TimeInForce) == "1");
    CHECK_NOTHROW(
        receive(wire("G", {{41, "CL-1"}, {11, "CL-3"}, {54, "1"}, {60, "20240611-09:30:00"}, {40, "2"}})));
  }
  SECTION("OrderStatusRequest: every field, and the required ones only") {
    CHECK(roundTrip(statusRequest()).getField(FIX::FIELD::OrderID) == "O-1");
    CHECK_NOTHROW(receive(wire("H", {{11, "CL-1"}, {54, "1"}})));
  }
  SECTION("OrderCancelReject, every 4.4 CxlRejReason and CxlRejResponseTo, and without reason") {
    for (const std::string& reason : expectedEnums().at(FIX::FIELD::CxlRejReason)) {
      for (const std::string& to : expectedEnums().at(FIX::FIELD::CxlRejResponseTo)) {
        INFO("102=" << reason << " 434=" << to);
        FIX44::OrderCancelReject r = cancelReject();
        r.setField(FIX::FIELD::CxlRejReason, reason);
        r.setField(FIX::FIELD::CxlRejResponseTo, to);
        CHECK_NOTHROW(roundTrip(r));
      }
    }
    FIX44::OrderCancelReject bare = cancelReject();
    bare.removeField(FIX::FIELD::CxlRejReason);
    bare.removeField(FIX::FIELD::Text);
    CHECK_NOTHROW(roundTrip(bare));
  }
  SECTION("OrderCancelReject about an unknown order, as the gateway sends it") {
    FIX44::OrderCancelReject r = cancelReject();
    r.setField(FIX::OrderID("NONE"));
    r.setField(FIX::OrdStatus('8'));
    r.setField(FIX::CxlRejReason(1));
    r.setField(FIX::Text("5001 unknown_order: no order with ClOrdID 'CL-1'"));
    FIX::Message got = roundTrip(r);
    CHECK(got.getField(FIX::FIELD::OrderID) == "NONE");
    CHECK(got.getField(FIX::FIELD::OrdStatus) == "8");
  }
  SECTION("NewOrderSingle as a client writes it, fields in any order") {
    CHECK_NOTHROW(receive(wire("D", {{40, "D"},
                                     {117, "Q-1"},
                                     {55, "BTC-USD"},
                                     {11, "CL-9"},
                                     {60, "20240611-09:30:00"},
                                     {54, "2"},
                                     {38, "0.0001"},
                                     {44, "65010.75"}})));
  }
  SECTION("ExecutionReport fill with parties") {
    FIX::Message got = roundTrip(fill());
    CHECK(got.getField(FIX::FIELD::AvgPx) == "65010.75");
    CHECK(got.getField(FIX::FIELD::LastPx) == "65010.75");
    CHECK(got.getField(FIX::FIELD::CumQty) == "2.5");
    CHECK(got.groupCount(FIX::FIELD::NoPartyIDs) == 2);
    CHECK(got.getGroupRef(2, FIX::FIELD::NoPartyIDs).getField(FIX::FIELD::PartyID) == "CLIENT1");
  }
  SECTION("ExecutionReport reject, for every 4.4 OrdRejReason") {
    for (const std::string& reason : expectedEnums().at(FIX::FIELD::OrdRejReason)) {
      INFO("103=" << reason);
      FIX44::ExecutionReport er(FIX::OrderID("NONE"), FIX::ExecID("EX-2"), FIX::ExecType('8'),
                                FIX::OrdStatus('8'), FIX::Side('1'), FIX::LeavesQty(0),
                                FIX::CumQty(0), FIX::AvgPx(0));
      er.setField(FIX::ClOrdID("CL-2"));
      er.setField(FIX::Symbol("BTC-USD"));
      er.setField(FIX::FIELD::OrdRejReason, reason);
      er.setField(FIX::Text("quote expired"));
      CHECK_NOTHROW(roundTrip(stamped(er)));
    }
  }
  SECTION("ExecutionReport: a replaced GTD order, and the status answer about an unknown order") {
    FIX44::ExecutionReport replaced = fill();
    replaced.setField(FIX::FIELD::ExecType, "5");
    replaced.setField(FIX::FIELD::OrdStatus, "0");
    replaced.removeField(FIX::FIELD::LastQty);
    replaced.removeField(FIX::FIELD::LastPx);
    FIX::Message got = roundTrip(replaced);
    CHECK(got.getField(FIX::FIELD::OrigClOrdID) == "CL-0");
    CHECK(got.getField(FIX::FIELD::ExpireTime) == "20240611-17:00:00.000");
    CHECK(got.getField(FIX::FIELD::TimeInForce) == "6");
    FIX44::ExecutionReport unknown(FIX::OrderID("NONE"), FIX::ExecID("0"), FIX::ExecType('I'),
                                   FIX::OrdStatus('8'), FIX::Side('2'), FIX::LeavesQty(0), FIX::CumQty(0),
                                   FIX::AvgPx(0));
    unknown.setField(FIX::ClOrdID("CL-404"));
    unknown.setField(FIX::Symbol("BTC-USD"));
    unknown.setField(FIX::FIELD::OrdRejReason, "5");
    unknown.setField(FIX::Text("5001 unknown_order"));
    CHECK_NOTHROW(roundTrip(stamped(unknown)));
  }
  SECTION("ExecutionReport, every 4.4 ExecType") {
    for (const std::string& execType : expectedEnums().at(FIX::FIELD::ExecType)) {
      INFO("150=" << execType);
      FIX44::ExecutionReport er = fill();
      er.setField(FIX::FIELD::ExecType, execType);
      CHECK_NOTHROW(roundTrip(er));
    }
  }
  SECTION("BusinessMessageReject") {
    FIX44::BusinessMessageReject bmr(FIX::RefMsgType("F"), FIX::BusinessRejectReason(3));
    bmr.setField(FIX::RefSeqNum(5));
    bmr.setField(FIX::BusinessRejectRefID("CL-7"));
    bmr.setField(FIX::Text("Unsupported Message Type"));
    CHECK_NOTHROW(roundTrip(stamped(bmr)));
  }
}

TEST_CASE("market data messages validate and keep decimals exact", "[dictionary][valid]") {
  SECTION("MarketDataRequest subscribing two symbols to bid and offer") {
    FIX::Message got = roundTrip(marketDataRequest());
    CHECK(got.getField(FIX::FIELD::SubscriptionRequestType) == "1");
    CHECK(got.getField(FIX::FIELD::MarketDepth) == "3");
    CHECK(got.getField(FIX::FIELD::AggregatedBook) == "Y");
    REQUIRE(got.groupCount(FIX::FIELD::NoMDEntryTypes) == 2);
    CHECK(got.getGroupRef(1, FIX::FIELD::NoMDEntryTypes).getField(FIX::FIELD::MDEntryType) ==
          "0");
    CHECK(got.getGroupRef(2, FIX::FIELD::NoMDEntryTypes).getField(FIX::FIELD::MDEntryType) ==
          "1");
    REQUIRE(got.groupCount(FIX::FIELD::NoRelatedSym) == 2);
    CHECK(got.getGroupRef(1, FIX::FIELD::NoRelatedSym).getField(FIX::FIELD::Symbol) ==
          "BTC-USD");
    CHECK(got.getGroupRef(2, FIX::FIELD::NoRelatedSym).getField(FIX::FIELD::Symbol) ==
          "ETH-USD");
  }
  SECTION("MarketDataRequest as a client writes it: required fields only, unsubscribe") {
    FIX::Message got = receive(wire("V", {{262, "MD-1"},
                                          {263, "2"},
                                          {264, "0"},
                                          {267, "2"},
                                          {269, "0"},
                                          {269, "1"},
                                          {146, "1"},
                                          {55, "BTC-USD"}}));
    CHECK(got.getField(FIX::FIELD::SubscriptionRequestType) == "2");
    CHECK(got.groupCount(FIX::FIELD::NoMDEntryTypes) == 2);
    CHECK(got.groupCount(FIX::FIELD::NoRelatedSym) == 1);
  }
  SECTION("MarketDataRequest, every 4.4 SubscriptionRequestType, MDUpdateType, AggregatedBook") {
    for (const std::string& type : expectedEnums().at(FIX::FIELD::SubscriptionRequestType)) {
      INFO("263=" << type);
      FIX44::MarketDataRequest md = marketDataRequest();
      md.setField(FIX::FIELD::SubscriptionRequestType, type);
      CHECK_NOTHROW(roundTrip(md));
    }
    for (const std::string& type : expectedEnums().at(FIX::FIELD::MDUpdateType)) {
      INFO("265=" << type);
      FIX44::MarketDataRequest md = marketDataRequest();
      md.setField(FIX::FIELD::MDUpdateType, type);
      CHECK_NOTHROW(roundTrip(md));
    }
    FIX44::MarketDataRequest md = marketDataRequest();
    md.setField(FIX::AggregatedBook(false));
    CHECK_NOTHROW(roundTrip(md));
  }
  SECTION("MarketDataSnapshotFullRefresh with three bids and three offers") {
    FIX::Message got = roundTrip(snapshot());
    CHECK(got.getField(FIX::FIELD::MDReqID) == "MD-1");
    CHECK(got.getField(FIX::FIELD::Symbol) == "BTC-USD");
    REQUIRE(got.groupCount(FIX::FIELD::NoMDEntries) == 6);
    const FIX::FieldMap& bid3 = got.getGroupRef(3, FIX::FIELD::NoMDEntries);
    CHECK(bid3.getField(FIX::FIELD::MDEntryType) == "0");
    CHECK(bid3.getField(FIX::FIELD::MDEntryPx) == "64998");
    CHECK(bid3.getField(FIX::FIELD::MDEntrySize) == "5.125");
    CHECK(bid3.getField(FIX::FIELD::MDEntryPositionNo) == "3");
    const FIX::FieldMap& offer1 = got.getGroupRef(4, FIX::FIELD::NoMDEntries);
    CHECK(offer1.getField(FIX::FIELD::MDEntryType) == "1");
    CHECK(offer1.getField(FIX::FIELD::MDEntryPx) == "65010.75");
    CHECK(offer1.getField(FIX::FIELD::MDEntryPositionNo) == "1");
    CHECK(offer1.getField(FIX::FIELD::MDEntryTime) == "09:30:00.123");
  }
  SECTION("MarketDataSnapshotFullRefresh without MDReqID, one entry without price") {
    FIX::Message got = receive(wire("W", {{55, "BTC-USD"}, {268, "1"}, {269, "1"}}));
    CHECK(got.groupCount(FIX::FIELD::NoMDEntries) == 1);
  }
  SECTION("MarketDataRequestReject with reason 0 and Text, and without reason") {
    FIX::Message got = roundTrip(mdReject("0"));
    CHECK(got.getField(FIX::FIELD::MDReqRejReason) == "0");
    CHECK(got.getField(FIX::FIELD::Text) == "unknown symbol");
    FIX::Message bare = roundTrip(stamped(FIX44::MarketDataRequestReject(FIX::MDReqID("MD-1"))));
    CHECK_FALSE(bare.isSetField(FIX::FIELD::MDReqRejReason));
    CHECK_FALSE(bare.isSetField(FIX::FIELD::Text));
  }
  SECTION("MarketDataRequestReject, for every 4.4 MDReqRejReason") {
    for (const std::string& reason : expectedEnums().at(FIX::FIELD::MDReqRejReason)) {
      INFO("281=" << reason);
      CHECK_NOTHROW(roundTrip(mdReject(reason.c_str())));
    }
  }
}

// ---------------------------------------------------------------------------
// Invalid messages, and the exception QuickFIX maps to SessionRejectReason.

TEST_CASE("a field not defined for the message is refused (373=2)", "[dictionary][invalid]") {
  SECTION("QuoteID on an ExecutionReport") {
    FIX44::ExecutionReport er = fill();
    er.setField(FIX::QuoteID("Q-1"));
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(er); }) ==
          FIX::FIELD::QuoteID);
  }
  SECTION("Symbol outside the NoRelatedSym group of a QuoteRequest") {
    const std::string w = wire("R", {{131, "QR-1"}, {55, "BTC-USD"}, {146, "1"}, {55, "BTC-USD"}});
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { receive(w); }) == FIX::FIELD::Symbol);
  }
  SECTION("Symbol outside the NoQuoteEntries group of a QuoteCancel") {
    const std::string w = wire("Z", {{117, "Q-1"}, {298, "1"}, {55, "BTC-USD"}});
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { receive(w); }) == FIX::FIELD::Symbol);
  }
  SECTION("QuoteStatus on a Quote") {
    FIX44::Quote q;
    q.setField(FIX::QuoteID("Q-1"));
    q.setField(FIX::Symbol("BTC-USD"));
    q.setField(FIX::QuoteStatus(0));
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(stamped(q)); }) ==
          FIX::FIELD::QuoteStatus);
  }
  SECTION("Symbol outside the NoRelatedSym group of a MarketDataRequest") {
    const std::string w = wire("V", {{262, "MD-1"}, {263, "1"}, {264, "1"}, {55, "BTC-USD"},
                                     {267, "1"}, {269, "0"}, {146, "1"}, {55, "BTC-USD"}});
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { receive(w); }) == FIX::FIELD::Symbol);
  }
  SECTION("MDEntryPx outside the NoMDEntries group of a snapshot") {
    const std::string w =
        wire("W", {{262, "MD-1"}, {55, "BTC-USD"}, {270, "65000"}, {268, "1"}, {269, "0"}});
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { receive(w); }) ==
          FIX::FIELD::MDEntryPx);
  }
  SECTION("Text on a snapshot") {
    FIX44::MarketDataSnapshotFullRefresh w = snapshot();
    w.setField(FIX::Text("stale"));
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(w); }) == FIX::FIELD::Text);
  }
  SECTION("Price on an OrderCancelRequest, MaxSlippageBps on a replace, QuoteID on a status request") {
    FIX44::OrderCancelRequest f = cancelRequest();
    f.setField(FIX::FIELD::Price, "1");
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(f); }) == FIX::FIELD::Price);
    FIX44::OrderCancelReplaceRequest g = replaceRequest();
    g.setField(kMaxSlippageBps, "5");
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(g); }) == kMaxSlippageBps);
    FIX44::OrderStatusRequest h = statusRequest();
    h.setField(FIX::QuoteID("Q-1"));
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(h); }) == FIX::FIELD::QuoteID);
  }
  SECTION("MaxSlippageBps on an ExecutionReport") {
    FIX44::ExecutionReport er = fill();
    er.setField(kMaxSlippageBps, "5");
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(er); }) == kMaxSlippageBps);
  }
  SECTION("BidPx on a NewOrderSingle") {
    FIX44::NewOrderSingle nos = order();
    nos.setField(FIX::FIELD::BidPx, "1");
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(nos); }) == FIX::FIELD::BidPx);
  }
}

TEST_CASE("an undefined tag is refused (373=0)", "[dictionary][invalid]") {
  FIX44::NewOrderSingle nos = order();
  nos.setField(FIX::SecurityExchange("XLON"));  // 207: FIX 4.4, not ours
  CHECK(refusedTag<FIX::InvalidTagNumber>([&] { roundTrip(nos); }) == 207);
  FIX44::NewOrderSingle custom = order();
  custom.setField(9999, "x");  // user-defined range
  CHECK(refusedTag<FIX::InvalidTagNumber>([&] { roundTrip(custom); }) == 9999);
}

TEST_CASE("a missing required field is refused (373=1)", "[dictionary][invalid]") {
  SECTION("ExecutionReport without AvgPx") {
    FIX44::ExecutionReport er = fill();
    er.removeField(FIX::FIELD::AvgPx);
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(er); }) == FIX::FIELD::AvgPx);
  }
  SECTION("each required field of the ExecutionReport") {
    for (int tag : {37, 17, 150, 39, 55, 54, 151, 14, 6}) {
      INFO("tag " << tag);
      FIX44::ExecutionReport er = fill();
      er.removeField(tag);
      CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(er); }) == tag);
    }
  }
  SECTION("each required field of the NewOrderSingle") {
    for (int tag : {11, 55, 54, 60, 40}) {
      INFO("tag " << tag);
      FIX44::NewOrderSingle nos = order();
      nos.removeField(tag);
      CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(nos); }) == tag);
    }
  }
  SECTION("each required field of the OrderCancelRequest, replace, status request and cancel reject") {
    for (int tag : {41, 11, 54, 60}) {
      INFO("F without tag " << tag);
      FIX44::OrderCancelRequest f = cancelRequest();
      f.removeField(tag);
      CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(f); }) == tag);
    }
    for (int tag : {41, 11, 54, 60, 40}) {
      INFO("G without tag " << tag);
      FIX44::OrderCancelReplaceRequest g = replaceRequest();
      g.removeField(tag);
      CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(g); }) == tag);
    }
    for (int tag : {11, 54}) {
      INFO("H without tag " << tag);
      FIX44::OrderStatusRequest h = statusRequest();
      h.removeField(tag);
      CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(h); }) == tag);
    }
    for (int tag : {37, 11, 41, 39, 434}) {
      INFO("9 without tag " << tag);
      FIX44::OrderCancelReject r = cancelReject();
      r.removeField(tag);
      CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(r); }) == tag);
    }
  }
  SECTION("QuoteRequest without its NoRelatedSym group") {
    FIX44::QuoteRequest qr = stamped(FIX44::QuoteRequest(FIX::QuoteReqID("QR-1")));
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(qr); }) ==
          FIX::FIELD::NoRelatedSym);
  }
  SECTION("QuoteRequest instrument without Symbol") {
    FIX44::QuoteRequest qr = stamped(FIX44::QuoteRequest(FIX::QuoteReqID("QR-1")));
    FIX44::QuoteRequest::NoRelatedSym sym;
    sym.setField(FIX::Side('1'));
    sym.setField(FIX::FIELD::OrderQty, "1");
    qr.addGroup(sym);
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(qr); }) == FIX::FIELD::Symbol);
  }
  SECTION("Quote without QuoteID") {
    FIX44::Quote q;
    q.setField(FIX::Symbol("BTC-USD"));
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(stamped(q)); }) ==
          FIX::FIELD::QuoteID);
  }
  SECTION("QuoteCancel without QuoteCancelType") {
    FIX44::QuoteCancel qc = quoteCancel();
    qc.removeField(FIX::FIELD::QuoteCancelType);
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(qc); }) ==
          FIX::FIELD::QuoteCancelType);
  }
  SECTION("QuoteCancel without QuoteID, even for a cancel-all") {
    const std::string w = wire("Z", {{298, "4"}});
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { receive(w); }) == FIX::FIELD::QuoteID);
  }
  SECTION("QuoteStatusReport without QuoteID") {
    FIX::Message st = gatewayQuoteStatus("Q-1", "9");
    st.removeField(FIX::FIELD::QuoteID);
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(st); }) == FIX::FIELD::QuoteID);
  }
  SECTION("MarketDataRequest without MarketDepth") {
    FIX44::MarketDataRequest md = marketDataRequest();
    md.removeField(FIX::FIELD::MarketDepth);
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(md); }) ==
          FIX::FIELD::MarketDepth);
  }
  SECTION("each required field and group of the MarketDataRequest") {
    const std::vector<std::pair<int, std::string>> full = {
        {262, "MD-1"}, {263, "1"}, {264, "1"}, {267, "1"}, {269, "0"}, {146, "1"}, {55, "BTC-USD"}};
    for (int tag : {262, 263, 264, 267, 146}) {
      INFO("tag " << tag);
      std::vector<std::pair<int, std::string>> body;
      for (const auto& f : full) {
        if (f.first == tag) continue;
        if (tag == 267 && f.first == 269) continue;  // the group's instances too
        if (tag == 146 && f.first == 55) continue;
        body.push_back(f);
      }
      CHECK(refusedTag<FIX::RequiredTagMissing>([&] { receive(wire("V", body)); }) == tag);
    }
  }
  SECTION("MarketDataSnapshotFullRefresh without NoMDEntries") {
    FIX44::MarketDataSnapshotFullRefresh w;
    w.setField(FIX::MDReqID("MD-1"));
    w.setField(FIX::Symbol("BTC-USD"));
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(stamped(w)); }) ==
          FIX::FIELD::NoMDEntries);
  }
  SECTION("MarketDataSnapshotFullRefresh without Symbol") {
    FIX44::MarketDataSnapshotFullRefresh w = snapshot();
    w.removeField(FIX::FIELD::Symbol);
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(w); }) == FIX::FIELD::Symbol);
  }
  SECTION("MarketDataRequestReject without MDReqID") {
    FIX44::MarketDataRequestReject rj = mdReject("0");
    rj.removeField(FIX::FIELD::MDReqID);
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(rj); }) == FIX::FIELD::MDReqID);
  }
  SECTION("Logon without HeartBtInt") {
    FIX44::Logon logon;
    logon.setField(FIX::EncryptMethod(0));
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(stamped(logon, 1)); }) ==
          FIX::FIELD::HeartBtInt);
  }
  SECTION("BusinessMessageReject without BusinessRejectReason") {
    FIX44::BusinessMessageReject bmr;
    bmr.setField(FIX::RefMsgType("F"));
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { roundTrip(stamped(bmr)); }) ==
          FIX::FIELD::BusinessRejectReason);
  }
}

TEST_CASE("a value outside the enumeration is refused (373=5)", "[dictionary][invalid]") {
  struct Case {
    int tag;
    const char* value;
  };
  SECTION("NewOrderSingle") {
    for (Case c : {Case{40, "Z"}, Case{40, "Q"}, Case{54, "H"}, Case{59, "8"}}) {
      INFO(c.tag << "=" << c.value);
      FIX44::NewOrderSingle nos = order();
      nos.setField(c.tag, c.value);
      CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(nos); }) == c.tag);
    }
  }
  SECTION("OrderCancelReplaceRequest and OrderCancelReject: values outside FIX 4.4") {
    for (Case c : {Case{40, "Z"}, Case{59, "8"}, Case{54, "H"}}) {
      INFO(c.tag << "=" << c.value);
      FIX44::OrderCancelReplaceRequest g = replaceRequest();
      g.setField(c.tag, c.value);
      CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(g); }) == c.tag);
    }
    // 434=3 does not exist; CxlRejReason 7 and 8 are FIX 5.0; OrdStatus F is not FIX 4.4.
    for (Case c : {Case{434, "3"}, Case{102, "7"}, Case{102, "18"}, Case{39, "F"}}) {
      INFO(c.tag << "=" << c.value);
      FIX44::OrderCancelReject r = cancelReject();
      r.setField(c.tag, c.value);
      CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(r); }) == c.tag);
    }
  }
  SECTION("ExecutionReport: FIX 4.2 fills and values added after 4.4") {
    for (Case c : {Case{150, "1"}, Case{150, "2"}, Case{39, "F"}, Case{103, "16"},
                   Case{103, "18"}}) {
      INFO(c.tag << "=" << c.value);
      FIX44::ExecutionReport er = fill();
      er.setField(c.tag, c.value);
      CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(er); }) == c.tag);
    }
  }
  SECTION("session and business rejects") {
    FIX44::Reject rj(FIX::RefSeqNum(7));
    rj.setField(FIX::FIELD::SessionRejectReason, "18");
    CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(stamped(rj)); }) == 373);
    FIX44::BusinessMessageReject bmr(FIX::RefMsgType("F"), FIX::BusinessRejectReason(3));
    bmr.setField(FIX::FIELD::BusinessRejectReason, "8");
    CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(stamped(bmr)); }) == 380);
  }
  SECTION("QuoteRequestReject reason 0") {
    FIX44::QuoteRequestReject rj;
    rj.setField(FIX::QuoteReqID("QR-1"));
    rj.setField(FIX::FIELD::QuoteRequestRejectReason, "0");
    FIX44::QuoteRequestReject::NoRelatedSym sym;
    sym.setField(FIX::Symbol("BTC-USD"));
    rj.addGroup(sym);
    CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(stamped(rj)); }) == 658);
  }
  SECTION("QuoteCancelType outside 1..4 (5.. are FIX 5.0)") {
    for (const char* type : {"9", "5", "0"}) {
      INFO("298=" << type);
      FIX44::QuoteCancel qc = quoteCancel();
      qc.setField(FIX::FIELD::QuoteCancelType, type);
      CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(qc); }) ==
            FIX::FIELD::QuoteCancelType);
    }
  }
  SECTION("QuoteStatus 16 (FIX 5.0: Active)") {
    CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(gatewayQuoteStatus("Q-1", "16")); }) ==
          FIX::FIELD::QuoteStatus);
  }
  SECTION("Quote with QuoteType 4") {
    FIX44::Quote q;
    q.setField(FIX::QuoteID("Q-1"));
    q.setField(FIX::Symbol("BTC-USD"));
    q.setField(FIX::FIELD::QuoteType, "4");
    CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(stamped(q)); }) ==
          FIX::FIELD::QuoteType);
  }
  SECTION("MarketDataRequest: SubscriptionRequestType 3, MDUpdateType 2") {
    for (Case c : {Case{263, "3"}, Case{265, "2"}}) {
      INFO(c.tag << "=" << c.value);
      FIX44::MarketDataRequest md = marketDataRequest();
      md.setField(c.tag, c.value);
      CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(md); }) == c.tag);
    }
  }
  SECTION("MarketDataRequestReject: MDReqRejReason D (FIX 5.0: Insufficient credit)") {
    CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(mdReject("D")); }) ==
          FIX::FIELD::MDReqRejReason);
  }
  SECTION("Logon EncryptMethod 7") {
    FIX44::Logon logon(FIX::EncryptMethod(0), FIX::HeartBtInt(30));
    logon.setField(FIX::FIELD::EncryptMethod, "7");
    CHECK(refusedTag<FIX::IncorrectTagValue>([&] { roundTrip(stamped(logon, 1)); }) == 98);
  }
}

TEST_CASE("a value of the wrong type is refused (373=6)", "[dictionary][invalid]") {
  struct Case {
    int tag;
    const char* value;
  };
  SECTION("NewOrderSingle") {
    for (Case c : {Case{38, "abc"}, Case{38, "1e3"}, Case{44, "1,5"}, Case{44, "+1.5"},
                   Case{60, "2024-06-11 09:30:00"}, Case{60, "20240611"}}) {
      INFO(c.tag << "=" << c.value);
      FIX44::NewOrderSingle nos = order();
      nos.setField(c.tag, c.value);
      CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(nos); }) == c.tag);
    }
  }
  SECTION("OrderCancelReplaceRequest quantity, price, TransactTime") {
    for (Case c : {Case{38, "1e3"}, Case{44, "+1.5"}, Case{60, "20240611"}}) {
      INFO(c.tag << "=" << c.value);
      FIX44::OrderCancelReplaceRequest g = replaceRequest();
      g.setField(c.tag, c.value);
      CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(g); }) == c.tag);
    }
  }
  SECTION("Quote prices and sizes") {
    for (Case c : {Case{132, "bid"}, Case{133, "1e"}, Case{134, "x"}, Case{62, "soon"}}) {
      INFO(c.tag << "=" << c.value);
      FIX44::Quote q;
      q.setField(FIX::QuoteID("Q-1"));
      q.setField(FIX::Symbol("BTC-USD"));
      q.setField(c.tag, c.value);
      CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(stamped(q)); }) == c.tag);
    }
  }
  SECTION("ExecutionReport quantities") {
    for (int tag : {14, 151, 32, 6, 31}) {
      INFO("tag " << tag);
      FIX44::ExecutionReport er = fill();
      er.setField(tag, "n/a");
      CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(er); }) == tag);
    }
  }
  SECTION("booleans are Y or N") {
    FIX44::Logon logon(FIX::EncryptMethod(0), FIX::HeartBtInt(30));
    logon.setField(FIX::FIELD::ResetSeqNumFlag, "1");
    CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(stamped(logon, 1)); }) == 141);
    FIX44::Heartbeat hb = stamped(FIX44::Heartbeat());
    hb.getHeader().setField(FIX::FIELD::PossDupFlag, "yes");
    CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(hb); }) == 43);
  }
  SECTION("QuoteCancelType and QuoteStatus are integers") {
    FIX44::QuoteCancel qc = quoteCancel();
    qc.setField(FIX::FIELD::QuoteCancelType, "all");
    CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(qc); }) ==
          FIX::FIELD::QuoteCancelType);
    CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(gatewayQuoteStatus("Q-1", "x")); }) ==
          FIX::FIELD::QuoteStatus);
  }
  SECTION("MarketDataRequest: MarketDepth is an integer, AggregatedBook Y or N") {
    for (Case c : {Case{264, "top"}, Case{264, "1.5"}, Case{266, "1"}}) {
      INFO(c.tag << "=" << c.value);
      FIX44::MarketDataRequest md = marketDataRequest();
      md.setField(c.tag, c.value);
      CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(md); }) == c.tag);
    }
  }
  SECTION("HeartBtInt is an integer") {
    FIX44::Logon logon(FIX::EncryptMethod(0), FIX::HeartBtInt(30));
    logon.setField(FIX::FIELD::HeartBtInt, "30s");
    CHECK(refusedTag<FIX::IncorrectDataFormat>([&] { roundTrip(stamped(logon, 1)); }) == 108);
  }
}

TEST_CASE("group instances: unknown fields are refused", "[dictionary][invalid]") {
  SECTION("a field of FIX 4.4's group that ours does not have ends the group") {
    // Price(44) is in FIX 4.4's QuoteRequest NoRelatedSym, not in ours: the
    // parser closes the group at 44 and finds 44 at message level.
    FIX44::QuoteRequest qr = quoteRequest();
    FIX44::QuoteRequest::NoRelatedSym sym;
    sym.setField(FIX::Symbol("ETH-USD"));
    sym.setField(FIX::FIELD::Price, "1");
    qr.addGroup(sym);
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(qr); }) == FIX::FIELD::Price);
  }
  SECTION("Currency(15), in FIX 4.4's NoMDEntries, not in ours") {
    FIX44::MarketDataSnapshotFullRefresh w = snapshot();
    FIX44::MarketDataSnapshotFullRefresh::NoMDEntries entry;
    entry.setField(FIX::MDEntryType('0'));
    entry.setField(FIX::FIELD::MDEntryPx, "64997");
    entry.setField(FIX::Currency("USD"));
    w.addGroup(entry);
    CHECK(refusedTag<FIX::TagNotDefinedForMessage>([&] { roundTrip(w); }) ==
          FIX::FIELD::Currency);
  }
  SECTION("a member repeated after the last instance opens an instance without delimiter") {
    // QuickFIX 1.15.1 parses the second 270 as a new NoMDEntries instance
    // that lacks MDEntryType: refused as a missing required tag (373=1).
    const std::string w =
        wire("W", {{55, "BTC-USD"}, {268, "1"}, {269, "0"}, {270, "65000"}, {270, "65001"}});
    CHECK(refusedTag<FIX::RequiredTagMissing>([&] { receive(w); }) == FIX::FIELD::MDEntryType);
  }
  SECTION("MDEntryDate(272), FIX 4.4 but not in our dictionary") {
    const std::string w = wire("W", {{55, "BTC-USD"}, {268, "1"}, {269, "0"}, {270, "65000"},
                                     {272, "20240611"}});
    CHECK(refusedTag<FIX::InvalidTagNumber>([&] { receive(w); }) == 272);
  }
}

TEST_CASE("other structural errors", "[dictionary][invalid]") {
  SECTION("a message type we do not accept (373=11): OrderMassCancelRequest, NewOrderList") {
    CHECK_THROWS_AS(receive(wire("q", {{11, "CL-1"}, {55, "BTC-USD"}, {60, "20240611-09:30:00"}})),
                    FIX::InvalidMessageType);
    CHECK_THROWS_AS(receive(wire("E", {{11, "CL-1"}, {55, "BTC-USD"}, {54, "1"}})), FIX::InvalidMessageType);
  }
  SECTION("NoRelatedSym count not matching the instances (373=16)") {
    const std::string w =
        wire("R", {{131, "QR-1"}, {146, "2"}, {55, "BTC-USD"}, {38, "1"}});
    CHECK(refusedTag<FIX::RepeatingGroupCountMismatch>([&] { receive(w); }) ==
          FIX::FIELD::NoRelatedSym);
  }
  SECTION("NoQuoteEntries count not matching the instances (373=16)") {
    // Symbol is the only member of our group, and its delimiter: an instance
    // without Symbol is not an instance.
    const std::string w =
        wire("Z", {{117, "Q-1"}, {298, "1"}, {295, "2"}, {55, "BTC-USD"}, {58, "x"}});
    CHECK(refusedTag<FIX::RepeatingGroupCountMismatch>([&] { receive(w); }) ==
          FIX::FIELD::NoQuoteEntries);
  }
  SECTION("MarketDataRequest NoRelatedSym count not matching the instances (373=16)") {
    const std::string w = wire("V", {{262, "MD-1"}, {263, "1"}, {264, "1"}, {267, "2"},
                                     {269, "0"}, {269, "1"}, {146, "2"}, {55, "BTC-USD"}});
    CHECK(refusedTag<FIX::RepeatingGroupCountMismatch>([&] { receive(w); }) ==
          FIX::FIELD::NoRelatedSym);
  }
  SECTION("MarketDataRequest NoMDEntryTypes count not matching the instances (373=16)") {
    const std::string w = wire("V", {{262, "MD-1"}, {263, "1"}, {264, "1"}, {267, "3"},
                                     {269, "0"}, {269, "1"}, {146, "1"}, {55, "BTC-USD"}});
    CHECK(refusedTag<FIX::RepeatingGroupCountMismatch>([&] { receive(w); }) ==
          FIX::FIELD::NoMDEntryTypes);
  }
  SECTION("a tag twice (373=13)") {
    const std::string w = wire("D", {{11, "CL-1"}, {11, "CL-1"}, {55, "BTC-USD"}, {54, "1"},
                                     {60, "20240611-09:30:00"}, {40, "1"}});
    CHECK(refusedTag<FIX::RepeatedTag>([&] { receive(w); }) == FIX::FIELD::ClOrdID);
  }
  SECTION("an empty value (373=4)") {
    const std::string w = wire("D", {{11, "CL-1"}, {55, ""}, {54, "1"},
                                     {60, "20240611-09:30:00"}, {40, "1"}});
    CHECK(refusedTag<FIX::NoTagValue>([&] { receive(w); }) == FIX::FIELD::Symbol);
  }
  SECTION("a bad checksum is not even parsed") {
    std::string w = wire("0", {});
    w[w.size() - 2] = w[w.size() - 2] == '0' ? '1' : '0';
    CHECK_THROWS_AS(receive(w), FIX::InvalidMessage);
  }
}

// Not errors for QuickFIX: pinned here so that the gateway knows it must check
// these itself (and so that a QuickFIX upgrade that changes them is noticed).
TEST_CASE("what the dictionary does not check", "[dictionary][limits]") {
  // QuickFIX 1.15.1 checks, inside group instances, only the required fields
  // and that every tag belongs to the group: it does not check their values or
  // formats (DataDictionary::iterate does not descend into groups).
  SECTION("values inside groups are not checked: Side=Z in NoRelatedSym") {
    FIX44::QuoteRequest qr = quoteRequest();
    FIX44::QuoteRequest::NoRelatedSym sym;
    sym.setField(FIX::Symbol("ETH-USD"));
    sym.setField(FIX::FIELD::Side, "Z");
    qr.addGroup(sym);
    CHECK_NOTHROW(roundTrip(qr));
  }
  SECTION("values inside groups are not checked: OrderQty=abc in NoRelatedSym") {
    FIX44::QuoteRequestReject rj;
    rj.setField(FIX::QuoteReqID("QR-1"));
    rj.setField(FIX::QuoteRequestRejectReason(1));
    FIX44::QuoteRequestReject::NoRelatedSym sym;
    sym.setField(FIX::Symbol("BTC-USD"));
    sym.setField(FIX::FIELD::OrderQty, "abc");
    rj.addGroup(sym);
    CHECK_NOTHROW(roundTrip(stamped(rj)));
  }
  SECTION("values inside groups are not checked: PartyRole=23 in NoPartyIDs") {
    FIX44::ExecutionReport er = fill();
    FIX44::ExecutionReport::NoPartyIDs party;
    party.setField(FIX::PartyID("X"));
    party.setField(FIX::PartyIDSource('D'));
    party.setField(FIX::PartyRole(23));
    er.addGroup(party);
    CHECK_NOTHROW(roundTrip(er));
  }
  SECTION("values inside groups are not checked: MDEntryPx=abc in NoMDEntries") {
    FIX44::MarketDataSnapshotFullRefresh w = snapshot();
    FIX44::MarketDataSnapshotFullRefresh::NoMDEntries entry;
    entry.setField(FIX::MDEntryType('1'));
    entry.setField(FIX::FIELD::MDEntryPx, "abc");
    entry.setField(FIX::FIELD::MDEntrySize, "-1");
    entry.setField(FIX::FIELD::MDEntryTime, "later");
    entry.setField(FIX::FIELD::MDEntryPositionNo, "x");
    w.addGroup(entry);
    FIX::Message got;
    CHECK_NOTHROW(got = roundTrip(w));
    CHECK(got.getGroupRef(7, FIX::FIELD::NoMDEntries).getField(FIX::FIELD::MDEntryPx) == "abc");
  }
  SECTION("values inside groups are not checked: MDEntryType outside 4.4") {
    // D (FIX 4.4 extension packs) in a request, Z (not a value) in a snapshot.
    FIX44::MarketDataRequest md = marketDataRequest();
    FIX44::MarketDataRequest::NoMDEntryTypes type;
    type.setField(FIX::FIELD::MDEntryType, "D");
    md.addGroup(type);
    CHECK_NOTHROW(roundTrip(md));
    CHECK_NOTHROW(receive(wire("W", {{55, "BTC-USD"}, {268, "1"}, {269, "Z"}})));
  }
  SECTION("negative MarketDepth is well-formed") {
    FIX44::MarketDataRequest md = marketDataRequest();
    md.setField(FIX::FIELD::MarketDepth, "-1");
    CHECK_NOTHROW(roundTrip(md));
  }
  SECTION("negative or zero quantities and prices are well-formed") {
    FIX44::NewOrderSingle nos = order();
    nos.setField(FIX::FIELD::OrderQty, "-2.5");
    nos.setField(FIX::FIELD::Price, "0");
    CHECK_NOTHROW(roundTrip(nos));
    FIX44::OrderCancelReplaceRequest g = replaceRequest();
    g.setField(FIX::FIELD::OrderQty, "0");
    g.setField(FIX::FIELD::Price, "-1");
    CHECK_NOTHROW(roundTrip(g));
  }
  SECTION("MaxSlippageBps is text: any value reaches the gateway, which answers 1024") {
    for (const char* v : {"-1", "0", "99999999.99999", "0.000001", "1e2", "+1", "abc", "2,5", "5bp"}) {
      INFO("20001=" << v);
      FIX44::NewOrderSingle nos = order();
      nos.setField(kMaxSlippageBps, v);
      CHECK_NOTHROW(roundTrip(nos));
    }
  }
  SECTION("LOCALMKTDATE and CURRENCY values are not checked") {
    FIX44::NewOrderSingle nos = order();
    nos.setField(FIX::FIELD::ExpireDate, "tomorrow");
    nos.setField(FIX::FIELD::Currency, "DOLLARS");
    CHECK_NOTHROW(roundTrip(nos));
  }
  SECTION("required header and trailer fields are left to the Session") {
    // QuickFIX 1.15.1 reads required="true" (not "Y") in <header> and
    // <trailer>, so the FIX 4.4 flags written there are not enforced by the
    // dictionary. The session layer reads SenderCompID, TargetCompID,
    // MsgSeqNum and SendingTime itself (Session::verify), and the parser needs
    // BeginString, BodyLength, MsgType and CheckSum.
    CHECK_NOTHROW(receive(wire("0", {}, /*withSender=*/false)));
    FIX::Message m = roundTrip(fill());
    m.getHeader().removeField(FIX::FIELD::MsgSeqNum);
    m.getHeader().removeField(FIX::FIELD::SendingTime);
    CHECK_NOTHROW(FIX::DataDictionary::validate(m, &dict(), &dict()));
  }
  SECTION("conditionally required fields are not enforced") {
    FIX44::NewOrderSingle limit = order();  // OrdType=2 without Price, no OrderQty
    limit.setField(FIX::OrdType('2'));
    limit.removeField(FIX::FIELD::Price);
    limit.removeField(FIX::FIELD::OrderQty);
    CHECK_NOTHROW(roundTrip(limit));
  }
}
