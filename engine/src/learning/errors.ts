/** A model file the user must fix: missing, not ONNX, or not matching its declaration. Names the file. */
export class ModelError extends Error {
    constructor(
        message: string,
        readonly file: string,
    ) {
        super(message);
        this.name = 'ModelError';
    }
}
