//! The fakes generated for the sample clients (feature `testing`): every operation of the
//! contract has one, each can be scripted and read back, and the partner's code runs on them
//! through the production client — retries, problems, faults and LegalContext included.

use std::path::{Path, PathBuf};

use bcss_codegen::{Contract, ir::Api};
use bcss_runtime::exports::bytes::Bytes;
use bcss_runtime::exports::http::{HeaderValue, StatusCode, header::CONTENT_TYPE};
use bcss_runtime::testing::{Fault, Reply};
use bcss_runtime::transport::{TransportErrorKind, TransportResponse};
use bcss_runtime::{ErrorKind, Problem, ProblemType};
use bcss_social_status::operations::{GetStatusCertificateTaskResponse, GetStatusHistoryResponse};
use serde::de::DeserializeOwned;
use serde_json::Value;

const CONSULT: &str = "scope:cbss:api:socialStatus:consult";
const UPDATE: &str = "scope:cbss:api:socialStatus:update";
const LEGAL_CONTEXT: &str = "PAYROLL:SOCIAL_SECRETARIAT_MANDATE";

/// A sample contract, for its operations and the examples it documents.
struct Sample {
    contract: Contract,
    api: Api,
}

impl Sample {
    fn load(folder: &str) -> Self {
        let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../specs")
            .join(folder);
        let contract = Contract::load(&dir).unwrap();
        let api = Api::from_contract(&contract).unwrap();
        Self { contract, api }
    }

    fn ids(&self) -> Vec<&str> {
        self.api.operations.iter().map(|o| o.id.as_str()).collect()
    }

    /// The first example of `content` (any media type), typed.
    fn example_in<T: DeserializeOwned>(&self, at: bcss_codegen::load::Loc, what: &str) -> T {
        let (at, content) = self.contract.resolve(&at.child("content")).unwrap();
        let media = content.as_object().unwrap().keys().next().unwrap().clone();
        let media = at.child(&media);
        let value = match self.contract.get(&media.child("example")) {
            Some(v) => v.clone(),
            None => {
                let examples = media.child("examples");
                let Some(Value::Object(map)) = self.contract.get(&examples) else {
                    panic!("{what} has no example");
                };
                let first = examples.child(map.keys().next().unwrap());
                let (_, example) = self.contract.resolve(&first).unwrap();
                example["value"].clone()
            }
        };
        serde_json::from_value(value).unwrap_or_else(|e| panic!("{what}'s example: {e}"))
    }

    /// The example of the answer `status` of `operation`.
    fn answer<T: DeserializeOwned>(&self, operation: &str, status: &str) -> T {
        let op = self.operation(operation);
        let at = op.loc.child("responses").child(status);
        let (at, _) = self.contract.resolve(&at).unwrap();
        self.example_in(at, &format!("{operation} {status}"))
    }

    /// The example of the request body of `operation`.
    fn request<T: DeserializeOwned>(&self, operation: &str) -> T {
        let op = self.operation(operation);
        let (at, _) = self.contract.resolve(&op.loc.child("requestBody")).unwrap();
        self.example_in(at, &format!("{operation}'s request"))
    }

    fn operation(&self, id: &str) -> &bcss_codegen::ir::Operation {
        self.api.operations.iter().find(|o| o.id == id).unwrap()
    }
}

fn fake_ids(operations: &[bcss_runtime::testing::FakeOperation]) -> Vec<&str> {
    operations.iter().map(|o| o.id).collect()
}

#[test]
fn every_operation_of_the_contract_has_a_fake_in_the_client_order() {
    let social = Sample::load("socialStatus");
    assert_eq!(
        fake_ids(bcss_social_status::testing::OPERATIONS),
        social.ids()
    );
    let employer = Sample::load("employerRegistry");
    assert_eq!(
        fake_ids(bcss_employer_registry::testing::OPERATIONS),
        employer.ids()
    );
    let search = bcss_social_status::testing::OPERATIONS[1];
    assert_eq!(
        (search.method, search.path, search.fake),
        ("POST", "/socialStatus/v1/persons/query", "search_persons")
    );
}

fn raw(status: u16, content_type: &'static str, body: &'static [u8]) -> Reply {
    let mut answer = TransportResponse::new(StatusCode::from_u16(status).unwrap(), body);
    answer
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    Reply::Answer(answer)
}

#[tokio::test]
async fn every_social_status_operation_answers_what_its_fake_scripts_and_records_what_was_sent() {
    use bcss_social_status::types::*;
    let sample = Sample::load("socialStatus");
    let fakes = bcss_social_status::testing::Fakes::new();
    let client = fakes.client();

    fakes
        .check_health()
        .returns(&sample.answer("checkHealth", "200"));
    let health = client.check_health().send().await.unwrap();
    assert_eq!(*health, sample.answer::<HealthStatus>("checkHealth", "200"));
    let sent = &fakes.check_health().requests()[0];
    assert!(sent.scopes.is_empty(), "health is public: no token");

    let query: PersonsQuery = sample.request("searchPersons");
    let page: PersonSocialStatusCollection = sample.answer("searchPersons", "200");
    fakes.search_persons().returns(&page);
    let found = client.search_persons(&query).send().await.unwrap();
    assert_eq!(*found, page);
    assert_eq!(
        fakes.search_persons().bodies(),
        std::slice::from_ref(&query)
    );
    let sent = &fakes.search_persons().requests()[0];
    assert_eq!(sent.operation, Some("searchPersons"));
    assert_eq!(
        sent.scopes,
        bcss_social_status::Client::SCOPES,
        "the annex's"
    );
    assert_eq!(
        sent.legal_context.as_deref(),
        Some(
            serde_json::to_value(&query.legal_context)
                .unwrap()
                .as_str()
                .unwrap()
        ),
        "the body's LegalContext"
    );

    let reference = SsinReference::new("pZ3mK8sQ1vN0bT7yL2wR4e").unwrap();
    let history: StatusHistory = sample.answer("getStatusHistory", "200");
    fakes.get_status_history().returns(&history);
    let answer = client.get_status_history(&reference).send().await.unwrap();
    assert!(matches!(&*answer, GetStatusHistoryResponse::Ok(h) if *h == history));
    let sent = &fakes.get_status_history().requests()[0];
    assert_eq!(
        sent.path_param("ssinRef").as_deref(),
        Some("pZ3mK8sQ1vN0bT7yL2wR4e")
    );
    assert_eq!(
        sent.legal_context.as_deref(),
        bcss_social_status::Client::DEFAULT_LEGAL_CONTEXT,
        "the annex's default LegalContext"
    );

    let patch: ContactPreferencesPatch = sample.request("updateContactPreferences");
    let preferences: ContactPreferences = sample.answer("updateContactPreferences", "200");
    fakes.update_contact_preferences().returns(&preferences);
    let updated = client
        .update_contact_preferences(&reference, &patch)
        .send()
        .await
        .unwrap();
    assert_eq!(*updated, preferences);
    assert_eq!(fakes.update_contact_preferences().bodies(), [patch]);
    let sent = &fakes.update_contact_preferences().requests()[0];
    assert_eq!(sent.scopes, [CONSULT, UPDATE]);
    assert_eq!(
        sent.header("content-type"),
        Some("application/merge-patch+json")
    );

    let request: StatusCertificateRequest = sample.request("requestStatusCertificate");
    let task: StatusCertificateTask = sample.answer("requestStatusCertificate", "202");
    fakes.request_status_certificate().returns(&task);
    let accepted = client
        .request_status_certificate(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202, "the operation's success status");
    assert_eq!(*accepted, task);
    assert_eq!(fakes.request_status_certificate().bodies(), [request]);

    let task_id = "6c5b4a39-2817-4f6e-8d5c-4b3a29180f7e".parse().unwrap();
    let running: StatusCertificateTask = sample.answer("getStatusCertificateTask", "200");
    fakes.get_status_certificate_task().returns(&running);
    let answer = client
        .get_status_certificate_task(task_id)
        .send()
        .await
        .unwrap();
    assert!(matches!(&*answer, GetStatusCertificateTaskResponse::Ok(t) if *t == running));
    let sent = &fakes.get_status_certificate_task().requests()[0];
    assert_eq!(sent.path_param("taskId"), Some(task_id.to_string()));

    let certificate: StatusCertificate = sample.answer("getStatusCertificate", "200");
    fakes.get_status_certificate().returns(&certificate);
    let got = client
        .get_status_certificate(certificate.certificate_id)
        .send()
        .await
        .unwrap();
    assert_eq!(*got, certificate);

    for fake in bcss_social_status::testing::OPERATIONS {
        assert_eq!(fakes.gateway().sent_to(fake.id).len(), 1, "{}", fake.id);
    }
}

#[tokio::test]
async fn every_employer_registry_operation_answers_what_its_fake_scripts_and_records_what_was_sent()
{
    use bcss_employer_registry::operations::SearchEmployersResponse;
    use bcss_employer_registry::types::*;
    let sample = Sample::load("employerRegistry");
    let fakes = bcss_employer_registry::testing::Fakes::new();
    // The annex names no default LegalContext: the partner's code sets one.
    let client = fakes.client().with_legal_context(LEGAL_CONTEXT);

    fakes
        .check_health()
        .returns(&sample.answer("checkHealth", "200"));
    assert_eq!(client.check_health().send().await.unwrap().status(), 200);

    let query: EmployerQuery = sample.request("searchEmployers");
    let list: EmployerList = sample.answer("searchEmployers", "200");
    fakes.search_employers().returns(&list);
    let found = client.search_employers(&query).send().await.unwrap();
    assert!(matches!(&*found, SearchEmployersResponse::Ok(l) if *l == list));
    assert_eq!(fakes.search_employers().bodies(), [query]);
    let sent = &fakes.search_employers().requests()[0];
    assert_eq!(
        sent.scopes,
        bcss_employer_registry::Client::SCOPES,
        "the annex's"
    );
    assert!(sent.legal_context.is_some(), "the body's LegalContext");

    let employer: Employer = sample.answer("getEmployer", "200");
    fakes.get_employer().returns(&employer);
    assert_eq!(*client.get_employer(197532).send().await.unwrap(), employer);
    let sent = &fakes.get_employer().requests()[0];
    assert_eq!(sent.path_param("employerId").as_deref(), Some("197532"));
    assert_eq!(sent.legal_context.as_deref(), Some(LEGAL_CONTEXT));

    // Raw answers are scripted as such.
    fakes.trace_employer().reply(raw(
        200,
        "message/http",
        b"TRACE /employers/197532 HTTP/1.1",
    ));
    let echoed = client.trace_employer(197532).send().await.unwrap();
    assert_eq!(
        *echoed,
        Bytes::from_static(b"TRACE /employers/197532 HTTP/1.1")
    );

    let establishments: EstablishmentCollection = sample.answer("listEstablishments", "200");
    fakes.list_establishments().returns(&establishments);
    let page = client.list_establishments(197532).send().await.unwrap();
    assert_eq!(*page, establishments);

    let unit: OrganizationUnit = sample.answer("get employers employerId organizationUnits", "200");
    fakes
        .get_employers_employer_id_organization_units()
        .returns(&unit);
    let got = client
        .get_employers_employer_id_organization_units(197532)
        .send()
        .await
        .unwrap();
    assert_eq!(*got, unit);

    // One fake per operation, whatever media type its method sends.
    let request: SubscriptionRequest = sample.request("createSubscription");
    let subscription: Subscription = sample.answer("createSubscription", "201");
    fakes.create_subscription().returns(&subscription);
    let created = client
        .create_subscription(197532, &request)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(*created, subscription);
    assert_eq!(
        fakes.create_subscription().bodies(),
        std::slice::from_ref(&request)
    );
    // The form method reaches the same fake (its body is not JSON: read it raw).
    client
        .create_subscription_form(197532, &request)
        .send()
        .await
        .unwrap();
    assert_eq!(fakes.create_subscription().calls(), 2);
    assert_eq!(
        fakes.create_subscription().requests()[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );

    let subscription_id = "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a".parse().unwrap();
    fakes.cancel_subscription().status(204);
    let cancelled = client
        .cancel_subscription(197532, subscription_id)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 204);
    let sent = &fakes.cancel_subscription().requests()[0];
    assert_eq!(
        sent.path_param("subscriptionId"),
        Some(subscription_id.to_string())
    );

    let upload: UploadDocumentRequest = serde_json::from_value(serde_json::json!({
        "file": "JVBERi0xLjc=",
        "metadata": {"documentType": "mandate", "title": "Mandate 2025"},
    }))
    .unwrap();
    let document: Document = sample.answer("uploadDocument", "201");
    fakes.upload_document().returns(&document);
    let filed = client
        .upload_document(197532, &upload)
        .send()
        .await
        .unwrap();
    assert_eq!(*filed, document);
    assert!(
        fakes.upload_document().requests()[0]
            .header("content-type")
            .is_some_and(|t| t.starts_with("multipart/form-data")),
    );

    fakes
        .download_document_content()
        .reply(raw(200, "application/pdf", b"%PDF-1.7"));
    let content = client
        .download_document_content(197532, document.document_id)
        .send()
        .await
        .unwrap();
    assert_eq!(*content, Bytes::from_static(b"%PDF-1.7"));

    fakes.replace_document_content().returns(&document);
    client
        .replace_document_content(
            197532,
            document.document_id,
            &b"%PDF-1.7"[..],
            "application/pdf",
        )
        .send()
        .await
        .unwrap();
    let sent = &fakes.replace_document_content().requests()[0];
    assert_eq!(sent.body.as_deref(), Some(&b"%PDF-1.7"[..]));
    assert_eq!(
        sent.path_param("documentId"),
        Some(document.document_id.to_string())
    );

    for fake in bcss_employer_registry::testing::OPERATIONS {
        assert!(!fakes.gateway().sent_to(fake.id).is_empty(), "{}", fake.id);
    }
}

#[tokio::test(start_paused = true)]
async fn a_get_answered_503_then_a_value_is_retried_and_succeeds_on_the_second_attempt() {
    let sample = Sample::load("socialStatus");
    let fakes = bcss_social_status::testing::Fakes::new();
    let history: bcss_social_status::types::StatusHistory =
        sample.answer("getStatusHistory", "200");
    fakes.get_status_history().status(503).returns(&history);
    let reference =
        bcss_social_status::types::SsinReference::new("pZ3mK8sQ1vN0bT7yL2wR4e").unwrap();
    let answer = fakes
        .client()
        .get_status_history(&reference)
        .send()
        .await
        .unwrap();
    assert!(matches!(&*answer, GetStatusHistoryResponse::Ok(h) if *h == history));
    let attempts: Vec<u32> = fakes
        .get_status_history()
        .requests()
        .iter()
        .map(|r| r.attempt)
        .collect();
    assert_eq!(attempts, [1, 2]);
}

#[tokio::test]
async fn a_scripted_belgif_problem_surfaces_as_the_error_problem() {
    let sample = Sample::load("socialStatus");
    let fakes = bcss_social_status::testing::Fakes::new();
    fakes.request_status_certificate().problem(Problem {
        type_uri: Some("urn:problem-type:belgif:badRequest".into()),
        status: Some(400),
        ..Problem::default()
    });
    let err = fakes
        .client()
        .request_status_certificate(&sample.request("requestStatusCertificate"))
        .send()
        .await
        .unwrap_err();
    let problem = err.problem().unwrap_or_else(|| panic!("a problem: {err}"));
    assert_eq!(problem.problem_type(), ProblemType::BadRequest);
    assert_eq!(problem.status, Some(400));
    assert_eq!(
        fakes.request_status_certificate().calls(),
        1,
        "a POST is not retried"
    );
}

#[tokio::test(start_paused = true)]
async fn a_scripted_timeout_is_a_transport_timeout() {
    let fakes = bcss_social_status::testing::Fakes::new();
    fakes.get_status_certificate().fault(Fault::Timeout);
    let err = fakes
        .client()
        .get_status_certificate("6c5b4a39-2817-4f6e-8d5c-4b3a29180f7e".parse().unwrap())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transport(t) if t.kind == TransportErrorKind::Timeout),
        "{err}"
    );
    assert!(fakes.get_status_certificate().calls() >= 1);
}

#[tokio::test]
async fn an_unscripted_call_fails_naming_the_operation_and_the_fake_to_script() {
    let fakes = bcss_social_status::testing::Fakes::new().allow_unmatched();
    let err = fakes
        .client()
        .get_status_certificate("6c5b4a39-2817-4f6e-8d5c-4b3a29180f7e".parse().unwrap())
        .send()
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("`getStatusCertificate`"), "{message}");
    assert!(
        message.contains("fakes.get_status_certificate()"),
        "{message}"
    );
    assert_eq!(fakes.gateway().unmatched().len(), 1);
}

#[tokio::test]
#[should_panic(expected = "without a scripted answer")]
async fn an_unscripted_call_fails_the_test_when_the_fakes_are_dropped() {
    let fakes = bcss_social_status::testing::Fakes::new();
    // The code under test swallows the error: the fakes still fail the test.
    let _ = fakes.client().check_health().send().await;
}
